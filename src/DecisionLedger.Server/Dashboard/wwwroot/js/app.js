// The dashboard's router: #/login, #/search?…, #/decision/ID, #/usage?…, #/timeline?…, #/verification, #/replay?…
// The menu shows only the pages the key's role may open (GET /v1/caller); the model picker (GET /v1/models)
// sets the model parameter of the pages that are per model.
import { getKey, clearKey, explain } from './api.js';
import { loginPage } from './login.js';
import { searchPage } from './search.js';
import { decisionPage } from './decision.js';
import { usagePage, timelinePage } from './reports.js';
import { verificationPage } from './verification.js';
import { replayPage } from './replay.js';
import { driftPage } from './drift.js';
import { caller, mayOpen, refusal } from './session.js';
import { showModelPicker, hideModelPicker } from './model-picker.js';
import { h, notice, mount } from './dom.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');

document.getElementById('logout').addEventListener('click', () => {
  clearKey();
  location.hash = '#/login';
});

async function route() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  const page = parts[0] ?? 'search';
  if (!getKey() && page !== 'login') {
    location.hash = '#/login';
    return;
  }
  document.body.dataset.page = page;
  if (page === 'login') {
    nav.hidden = true;
    hideModelPicker();
    return loginPage(main, { onLogin: () => { location.hash = '#/search'; } });
  }

  let who;
  try {
    who = await caller();
  } catch (error) {
    nav.hidden = false;
    mount(main, notice('error', explain(error)));
    return;
  }
  nav.hidden = false;
  document.body.dataset.role = who.role;
  for (const link of nav.querySelectorAll('a[data-page]')) {
    link.hidden = !mayOpen(who, link.dataset.page);
    link.classList.toggle('active', link.dataset.page === page);
  }
  await showModelPicker(page, params);
  if (!mayOpen(who, page)) {
    const box = notice('info', refusal(who, page));
    box.id = 'page-refused';
    mount(main, h('h1', { class: 'title' }, 'Not available to this key'), box);
    return;
  }
  switch (page) {
    case 'decision': return decisionPage(main, decodeURIComponent(parts.slice(1).join('/')));
    case 'usage': return usagePage(main, params);
    case 'timeline': return timelinePage(main, params);
    case 'verification': return verificationPage(main);
    case 'replay': return replayPage(main, params);
    case 'drift': return driftPage(main, params);
    default: return searchPage(main, params);
  }
}

window.addEventListener('hashchange', () => { route().catch(report); });
route().catch(report);

function report(error) {
  main.replaceChildren();
  const box = document.createElement('div');
  box.className = 'notice error';
  box.setAttribute('role', 'alert');
  box.textContent = `The page failed: ${error.message}`;
  main.append(box);
  console.error(error);
}
