// The dashboard's router: #/login, #/search?…, #/decision/ID, #/usage?…, #/timeline?…, #/verification.
import { getKey, clearKey } from './api.js';
import { loginPage } from './login.js';
import { searchPage } from './search.js';
import { decisionPage } from './decision.js';
import { usagePage, timelinePage } from './reports.js';
import { verificationPage } from './verification.js';

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
  nav.hidden = page === 'login';
  for (const link of nav.querySelectorAll('a')) link.classList.toggle('active', link.dataset.page === page);
  document.body.dataset.page = page;
  switch (page) {
    case 'login': return loginPage(main, { onLogin: () => { location.hash = '#/search'; } });
    case 'decision': return decisionPage(main, decodeURIComponent(parts.slice(1).join('/')));
    case 'usage': return usagePage(main, params);
    case 'timeline': return timelinePage(main, params);
    case 'verification': return verificationPage(main);
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
