#include <CLI/CLI.hpp>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/CommandRegistry.h"
#include "core/Error.h"
#include "core/JsonText.h"
#include "language/ContextCorpusEvaluator.h"
#include "language/FindingComparator.h"
#include "language/FindingExtractor.h"
#include "language/LanguageDataDirectory.h"
#include "language/PatientSummaryWriter.h"
#include "language/ReadabilityScorer.h"
#include "language/TextInput.h"

namespace medsight {
namespace {

std::string readTextFile(const std::string& path, std::size_t maxBytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::FileUnreadable, path + ": is a folder, not a file");
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(ErrorCode::FileNotFound, path + ": file not found");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > maxBytes) {
    throw Error(ErrorCode::TooLarge, path + ": " + std::to_string(size) +
                                         " bytes exceeds the limit of " + std::to_string(maxBytes) +
                                         " bytes for one document");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileUnreadable, path + ": cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json readJsonFile(const std::string& path) {
  const std::string text = readTextFile(path, std::size_t{64} << 20);
  return JsonText::parse(text, path);
}

nlohmann::json mentionJson(const FindingMention& f) {
  return {{"concept", f.conceptId},
          {"text", f.text},
          {"begin", f.span.begin},
          {"end", f.span.end},
          {"sentence", f.sentence},
          {"section", f.section},
          {"language", f.language},
          {"assertion", toString(f.assertion)},
          {"temporality", toString(f.temporality)},
          {"experiencer", toString(f.experiencer)},
          {"laterality", toString(f.laterality)},
          {"location", f.location},
          {"evidence", f.evidence}};
}

/// `medsight language extract|eval|summary|compare`.
class LanguageCommand : public Command {
 public:
  std::string name() const override { return "language"; }
  std::string summary() const override {
    return "Clinical text: extract findings, evaluate on ConText corpora, patient summaries";
  }
  void configure(CLI::App& app) override {
    app.require_subcommand(1);
    extract_ = app.add_subcommand("extract", "Extract findings from English/Chinese report text");
    extract_->add_option("text", text_, "Report text (or use --file)");
    extract_->add_option("--file,-f", file_, "Read the report from a UTF-8 file");
    extract_->add_option("--lang", lang_, "en, zh or auto (default: per sentence by script)");
    extract_->add_option("--max-bytes", maxBytes_, "Largest document accepted (default 32 MiB)")
        ->check(CLI::PositiveNumber);
    extract_->add_flag("--json", jsonFlag_, "Print JSON");

    eval_ = app.add_subcommand("eval", "Score negation/temporality/experiencer on a TSV corpus");
    eval_->add_option("--data", data_, "Corpus TSV (context_dev.tsv layout)")->required();
    eval_->add_option("--negex-triggers", negexTriggers_,
                      "Use a published NegEx trigger list instead of MedSight's lexicon");
    eval_->add_option("--triggers", triggers_, "Use another MedSight-format trigger TSV");
    eval_->add_option("--part", part_, "all (default), odd or even rows (for split checks)");
    eval_->add_option("--show-errors", showErrors_, "Include up to N mismatched rows");
    eval_->add_flag("--json", jsonFlag_, "Print JSON");

    summary_ = app.add_subcommand("summary", "Plain-language patient summary of signed findings");
    summary_->add_option("findings", findingsFile_, "Signed findings JSON")->required();
    summary_->add_option("--lang", summaryLang_, "en (default) or zh");
    summary_->add_flag("--json", jsonFlag_, "Print JSON");

    compare_ =
        app.add_subcommand("compare", "Flag disagreement between AI findings and report text");
    compare_->add_option("--ai", aiFile_, "AI findings JSON (concept, probability, threshold)")
        ->required();
    compare_->add_option("text", text_, "Doctor's text (or use --file)");
    compare_->add_option("--file,-f", file_, "Read the doctor's text from a UTF-8 file");
    compare_->add_option("--lang", lang_, "en, zh or auto (default)");
    compare_->add_flag("--json", jsonFlag_, "Print JSON");
  }

  int run(const CommandContext& context) override {
    json_ = context.json || jsonFlag_;
    if (extract_->parsed()) return runExtract();
    if (eval_->parsed()) return runEval(context);
    if (summary_->parsed()) return runSummary();
    if (compare_->parsed()) return runCompare();
    throw Error(ErrorCode::InvalidArgument, "language: choose extract, eval, summary or compare");
  }

 private:
  int runExtract() {
    ExtractionOptions options;
    options.language = parseTextLanguage(lang_);
    options.maxBytes = maxBytes_;
    const auto [text, inputName] = reportText("extract");
    options.inputName = inputName;
    const auto extractor = FindingExtractor::loadDefault();
    const auto result = extractor.extract(text, options);
    if (json_) {
      nlohmann::json findings = nlohmann::json::array();
      for (const auto& f : result.findings) findings.push_back(mentionJson(f));
      nlohmann::json out{{"input", options.inputName},
                         {"sentences", result.sentenceCount},
                         {"english_sentences", result.englishSentences},
                         {"chinese_sentences", result.chineseSentences},
                         {"findings", findings},
                         {"warnings", result.warnings}};
      std::cout << out.dump(2) << '\n';
      return 0;
    }
    for (const auto& w : result.warnings) std::cerr << "medsight: warning: " << w << '\n';
    std::cout << result.findings.size() << " finding mention(s) in " << result.sentenceCount
              << " sentence(s)\n";
    for (const auto& f : result.findings) {
      std::cout << "  " << f.conceptId << " [" << toString(f.assertion) << ", "
                << toString(f.temporality) << ", " << toString(f.experiencer);
      if (f.laterality != Laterality::Unspecified) std::cout << ", " << toString(f.laterality);
      if (!f.location.empty()) std::cout << ", " << f.location;
      std::cout << "] \"" << f.text << "\"";
      if (!f.section.empty()) std::cout << " (" << f.section << ")";
      std::cout << '\n';
    }
    return 0;
  }

  int runEval(const CommandContext& context) {
    auto rows = ContextCorpusEvaluator::read(data_);
    if (part_ == "odd" || part_ == "even") {
      std::vector<AnnotatedSentence> kept;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if ((i % 2 == 0) == (part_ == "odd")) kept.push_back(rows[i]);
      }
      rows = std::move(kept);
    } else if (part_ != "all") {
      throw Error(ErrorCode::InvalidArgument, "--part: use all, odd or even, not '" + part_ + "'");
    }
    auto extractor = FindingExtractor::loadDefault();
    if (!negexTriggers_.empty() && !triggers_.empty()) {
      throw Error(ErrorCode::InvalidArgument, "--negex-triggers and --triggers exclude each other");
    }
    if (!negexTriggers_.empty()) extractor.setTriggers(TriggerLexicon::loadNegEx(negexTriggers_));
    if (!triggers_.empty()) extractor.setTriggers(TriggerLexicon::load(triggers_));
    const unsigned threads = context.threads > 0
                                 ? static_cast<unsigned>(context.threads)
                                 : std::max(1u, std::thread::hardware_concurrency());
    const auto report = ContextCorpusEvaluator::evaluate(extractor, rows, threads, showErrors_);
    if (json_) {
      auto out = report.toJson();
      out["data"] = data_;
      out["part"] = part_;
      out["triggers"] = !negexTriggers_.empty() ? negexTriggers_
                        : !triggers_.empty()
                            ? triggers_
                            : (LanguageDataDirectory::locate() / "triggers.tsv").string();
      std::cout << out.dump(2) << '\n';
      return 0;
    }
    std::printf("rows %zu (condition found in %zu)\n", report.rows, report.conditionsFound);
    // An undefined figure (nothing predicted or expected negated) is printed as n/a, not 1.000.
    const auto shown = [](double v) {
      if (std::isnan(v)) return std::string("n/a");
      char text[16];
      std::snprintf(text, sizeof text, "%.3f", v);
      return std::string(text);
    };
    std::printf("negation     precision %s  recall %s  F1 %s  (tp %zu fp %zu fn %zu)\n",
                shown(report.negationPrecision()).c_str(), shown(report.negationRecall()).c_str(),
                shown(report.negationF1()).c_str(), report.truePositive, report.falsePositive,
                report.falseNegative);
    std::printf("temporality  accuracy %s\n", shown(report.temporalityAccuracy()).c_str());
    std::printf("experiencer  accuracy %s\n", shown(report.experiencerAccuracy()).c_str());
    for (const auto& e : report.errors) std::cout << e.dump() << '\n';
    return 0;
  }

  /// The report text from TEXT or --file (exactly one), with its name for messages.
  std::pair<std::string, std::string> reportText(const char* command) const {
    if (text_.empty() == file_.empty()) {
      throw Error(ErrorCode::InvalidArgument, std::string("language ") + command +
                                                  ": give the text as TEXT or --file FILE "
                                                  "(exactly one)");
    }
    if (file_.empty()) return {text_, "text"};
    return {readTextFile(file_, maxBytes_), file_};
  }

  int runSummary() {
    const auto language = parseTextLanguage(summaryLang_);
    const auto study = PatientSummaryWriter::parse(readJsonFile(findingsFile_), findingsFile_);
    const PatientSummaryWriter writer(LanguageDataDirectory::file("patient_summary.json"),
                                      language);
    const auto summary = writer.write(study);
    if (json_) {
      const auto stats = language == TextLanguage::Chinese
                             ? ReadabilityScorer::chinese(summary.sentences)
                             : ReadabilityScorer::english(summary.sentences);
      nlohmann::json readability{{"sentences", stats.sentences},
                                 {"longest_sentence", stats.longestSentence}};
      if (language != TextLanguage::Chinese) {
        readability["flesch_reading_ease"] = stats.fleschReadingEase;
      }
      std::cout << nlohmann::json{{"language", summary.language},
                                  {"sentences", summary.sentences},
                                  {"text", summary.text()},
                                  {"readability", readability}}
                       .dump(2)
                << '\n';
      return 0;
    }
    std::cout << summary.text() << '\n';
    return 0;
  }

  int runCompare() {
    const auto ai = FindingComparator::parseAiFindings(readJsonFile(aiFile_), aiFile_);
    const auto [text, inputName] = reportText("compare");
    ExtractionOptions options;
    options.language = parseTextLanguage(lang_);
    options.inputName = inputName;
    const auto extractor = FindingExtractor::loadDefault();
    const auto report = FindingComparator(extractor).compare(ai, text, options);
    if (json_) {
      std::cout << report.toJson().dump(2) << '\n';
      return 0;
    }
    std::cout << report.disagreements << " disagreement(s), " << report.needsReview
              << " item(s) for review\n";
    for (const auto& c : report.concepts) {
      std::cout << "  " << (c.needsReview ? "! " : "  ") << c.conceptId << ": "
                << toString(c.verdict);
      if (c.ai) {
        std::printf(" (AI p=%.2f, threshold %.2f)", c.ai->probability, c.ai->threshold);
        std::cout.flush();
      }
      std::cout << "; text " << toString(c.text);
      if (!c.evidence.empty()) std::cout << ": \"" << c.evidence << "\"";
      std::cout << '\n';
    }
    return 0;
  }

  CLI::App* summary_ = nullptr;
  CLI::App* compare_ = nullptr;
  std::string findingsFile_;
  std::string summaryLang_ = "en";
  std::string aiFile_;
  CLI::App* extract_ = nullptr;
  CLI::App* eval_ = nullptr;
  bool json_ = false;
  bool jsonFlag_ = false;
  std::string text_;
  std::string file_;
  std::string lang_ = "auto";
  std::size_t maxBytes_ = TextInput::kDefaultMaxBytes;
  std::string data_;
  std::string negexTriggers_;
  std::string triggers_;
  std::string part_ = "all";
  std::size_t showErrors_ = 0;
};

}  // namespace

/// \brief Registers `medsight language`.
void registerLanguageCommands(CommandRegistry& registry) {
  registry.add(std::make_unique<LanguageCommand>());
}

}  // namespace medsight
