// The sign-in form: carries the CSRF token of the cookie XSRF-TOKEN, and says why it is shown again.
'use strict';
(function () {
  const token = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='));
  document.querySelector('input[name=_csrf]').value = token ? decodeURIComponent(token.substring(11)) : '';
  const query = new URLSearchParams(location.search);
  const message = document.getElementById('login-message');
  if (query.has('error')) {
    message.textContent = 'Wrong user or password (or too many failed sign-ins from this address: wait a minute).';
    message.className = 'error';
  } else if (query.has('signed-out')) {
    message.textContent = 'Signed out.';
  }
})();
