import {h, mount} from './dom.js';

/** The login form; roles come from the server's answer (GET /api/me). */
export function renderLogin(root, api, onLoggedIn) {
  const user = h('input', {id: 'login-username', name: 'username', autocomplete: 'username',
                           required: true});
  const pass = h('input', {id: 'login-password', name: 'password', type: 'password',
                           autocomplete: 'current-password', required: true});
  const error = h('div', {class: 'error', id: 'login-error', role: 'alert'});
  const submit = h('button', {class: 'primary', type: 'submit', id: 'login-submit'}, 'Log in');
  const form = h('form', {class: 'login', 'aria-labelledby': 'login-title'},
    h('h1', {id: 'login-title'}, 'MedSight review station'),
    h('label', {}, 'User name', user),
    h('label', {}, 'Password', pass),
    error, submit,
    h('p', {class: 'notice'},
      'Access is logged. Radiologists see identified studies; researchers see ' +
      'de-identified data only.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      await api.login(user.value.trim(), pass.value);
      onLoggedIn();
    } catch (e) {
      error.textContent = e.status === 401 || e.status === 403
        ? 'Wrong user name or password.'
        : e.message;
      pass.select();
    } finally {
      submit.disabled = false;
    }
  });
  mount(root, form);
  user.focus();
}
