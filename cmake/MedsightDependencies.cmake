# Every third-party dependency is found here, once, from the Debian system copies.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PNG REQUIRED)
find_package(JPEG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(CLI11 REQUIRED IMPORTED_TARGET CLI11)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
pkg_check_modules(OPENJPEG REQUIRED IMPORTED_TARGET libopenjp2)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# yaml-cpp 0.7's CMake package points at a non-existent include folder on Debian 12; pkg-config
# is right.
pkg_check_modules(YAMLCPP REQUIRED IMPORTED_TARGET yaml-cpp)

find_package(DCMTK REQUIRED CONFIG)
# Only the ITK modules MedSight uses: linking all of Debian's ITK pulls in FFTW, MINC, HDF5 ...
# ITKIONIFTI is deliberately absent: its nifti1_io symbols clash with nifti_clib's libnifti2
# (same function names, different structs), which MedSight uses for NIfTI-1 and NIfTI-2.
find_package(ITK 5.2 REQUIRED COMPONENTS
  ITKCommon ITKIOImageBase ITKIOPNG ITKIOJPEG ITKImageIntensity ITKImageFilterBase
  ITKImageGrid ITKSmoothing ITKDenoising ITKAnisotropicSmoothing ITKBiasCorrection
  ITKImageStatistics ITKThresholding ITKConnectedComponents ITKMathematicalMorphology
  ITKBinaryMathematicalMorphology ITKLabelMap ITKRegistrationMethodsv4 ITKOptimizersv4
  ITKMetricsv4 ITKTransform ITKIOTransformBase ITKIOTransformInsightLegacy ITKImageFunction
  ITKDistanceMap ITKImageFusion ITKColormap ITKImageFeature ITKImageCompose)
find_package(Torch REQUIRED)
find_package(GTest)
find_package(benchmark)

# ITK's use file sets include directories globally; use its targets through a wrapper instead.
add_library(medsight_itk INTERFACE)
target_include_directories(medsight_itk SYSTEM INTERFACE ${ITK_INCLUDE_DIRS})
target_link_libraries(medsight_itk INTERFACE ${ITK_LIBRARIES})

add_library(medsight_torch INTERFACE)
target_include_directories(medsight_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_link_libraries(medsight_torch INTERFACE ${TORCH_LIBRARIES})

# nifti_clib's NIfTI-2 capable library. Debian's NIFTIConfig.cmake points at /usr/lib paths
# that do not exist, so the library is found directly.
find_path(NIFTI2_INCLUDE_DIR nifti2_io.h PATH_SUFFIXES nifti REQUIRED)
find_library(NIFTI2_LIBRARY nifti2 REQUIRED)
find_library(ZNZ_LIBRARY znz REQUIRED)
add_library(medsight_nifti INTERFACE)
target_include_directories(medsight_nifti SYSTEM INTERFACE ${NIFTI2_INCLUDE_DIR})
target_link_libraries(medsight_nifti INTERFACE ${NIFTI2_LIBRARY} ${ZNZ_LIBRARY} ZLIB::ZLIB m)
find_package(GDCM REQUIRED CONFIG)
add_library(medsight_gdcm INTERFACE)
target_include_directories(medsight_gdcm SYSTEM INTERFACE ${GDCM_INCLUDE_DIRS})
target_link_libraries(medsight_gdcm INTERFACE gdcmMSFF)

# Classical machine learning and radiomics: OpenCV ml (decision trees), LIBSVM, LIBLINEAR,
# XGBoost (C API), Qhull (convex hulls for IBSI morphology) and FFTW (Moran's I by convolution).
# Debian ships no CMake configs for LIBSVM, LIBLINEAR, XGBoost and Qhull: found directly.
find_package(OpenCV 4 REQUIRED COMPONENTS core ml imgproc photo)
# Image filters from OpenCV for preprocessing: fast non-local means (photo) and CLAHE (imgproc).
add_library(medsight_opencv_image INTERFACE)
target_include_directories(medsight_opencv_image SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
target_link_libraries(medsight_opencv_image INTERFACE opencv_core opencv_imgproc opencv_photo)
add_library(medsight_opencv_ml INTERFACE)
target_include_directories(medsight_opencv_ml SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
target_link_libraries(medsight_opencv_ml INTERFACE opencv_core opencv_ml)
find_path(LIBSVM_INCLUDE_DIR svm.h PATH_SUFFIXES libsvm REQUIRED)
find_library(LIBSVM_LIBRARY svm REQUIRED)
find_path(LIBLINEAR_INCLUDE_DIR linear.h REQUIRED)
find_library(LIBLINEAR_LIBRARY linear REQUIRED)
find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h REQUIRED)
find_library(XGBOOST_LIBRARY xgboost REQUIRED)
find_path(QHULL_INCLUDE_DIR libqhull_r/libqhull_r.h REQUIRED)
find_library(QHULL_R_LIBRARY qhull_r REQUIRED)
add_library(medsight_learners INTERFACE)
target_include_directories(medsight_learners SYSTEM INTERFACE ${LIBSVM_INCLUDE_DIR}
                           ${LIBLINEAR_INCLUDE_DIR} ${XGBOOST_INCLUDE_DIR})
target_link_libraries(medsight_learners INTERFACE ${LIBSVM_LIBRARY} ${LIBLINEAR_LIBRARY}
                      ${XGBOOST_LIBRARY} medsight_opencv_ml)
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)
add_library(medsight_qhull INTERFACE)
target_include_directories(medsight_qhull SYSTEM INTERFACE ${QHULL_INCLUDE_DIR})
target_link_libraries(medsight_qhull INTERFACE ${QHULL_R_LIBRARY})
