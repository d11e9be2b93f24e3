import { h, card, field, notice, mount } from './dom.js';
import { get, setKey, ApiError } from './api.js';

/** The login page: the key is checked against /v1/caller (any valid key) before it is kept in sessionStorage. */
export function loginPage(main, { onLogin }) {
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: 'dl_…', required: true });
  const message = h('div', { id: 'login-message' });
  const form = h('form', { id: 'login-form', class: 'login' },
    field('API key', input, 'Create one with: dledger keys create --role auditor. The key stays in this tab (sessionStorage) and is sent as the X-Api-Key header.'),
    h('button', { type: 'submit', class: 'primary' }, 'Log in'),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      mount(message, notice('error', 'Paste an API key first.'));
      return;
    }
    mount(message, notice('info', 'Checking the key…'));
    try {
      await get('/v1/caller', key);
      setKey(key);
      onLogin();
    } catch (error) {
      mount(message, notice('error', error instanceof ApiError && error.status === 401
        ? 'Wrong key: the collector refused it (401). Check that it was copied whole and has not been revoked.'
        : `The key could not be checked: ${error.message}`));
    }
  });
  mount(main, h('div', { class: 'login-wrap' }, card('Log in', form)));
  input.focus();
}
