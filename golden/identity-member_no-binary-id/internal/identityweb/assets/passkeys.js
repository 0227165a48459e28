// Passkeys: the browser half of the WebAuthn ceremonies. No dependencies, no build step.
//
// The server sends options as JSON ({"publicKey": {...}}) with binary fields in base64url;
// navigator.credentials wants ArrayBuffers, and its answer goes back to the server as JSON
// with base64url again. Everything else (challenges, verification, sessions) is the server's.
//
// Markup it looks for (pages work without it; only passkeys need JavaScript):
//   [data-passkey-login]    data-options, data-finish URLs; data-autofill to also offer
//                           passkeys in the email field's autofill (conditional UI);
//                           data-return-to; contains [data-passkey-button], [data-passkey-error]
//   [data-trust-browser]    at the MFA challenge, the page's one "trust this browser" box,
//                           which applies to a passkey as to a code
//   [data-passkey-register] a form with data-options, data-finish URLs and a "name" input
'use strict';

(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return; // no WebAuthn: the passkey controls stay hidden, the forms still work
  }

  function toBuffer(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function decodeDescriptors(list) {
    return (list || []).map(function (c) {
      return Object.assign({}, c, { id: toBuffer(c.id) });
    });
  }

  function creationOptions(json) {
    const o = json.publicKey;
    o.challenge = toBuffer(o.challenge);
    o.user.id = toBuffer(o.user.id);
    o.excludeCredentials = decodeDescriptors(o.excludeCredentials);
    return o;
  }

  function requestOptions(json) {
    const o = json.publicKey;
    o.challenge = toBuffer(o.challenge);
    o.allowCredentials = decodeDescriptors(o.allowCredentials);
    return o;
  }

  // credentialJSON encodes a PublicKeyCredential in the WebAuthn JSON shape
  // (RegistrationResponseJSON / AuthenticationResponseJSON).
  function credentialJSON(cred) {
    const r = cred.response;
    const out = {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64url(r.clientDataJSON) }
    };
    if (cred.authenticatorAttachment) {
      out.authenticatorAttachment = cred.authenticatorAttachment;
    }
    if (r.attestationObject) {
      out.response.attestationObject = toBase64url(r.attestationObject);
      if (r.getTransports) {
        out.response.transports = r.getTransports();
      }
    }
    if (r.authenticatorData) {
      out.response.authenticatorData = toBase64url(r.authenticatorData);
      out.response.signature = toBase64url(r.signature);
      if (r.userHandle) {
        out.response.userHandle = toBase64url(r.userHandle);
      }
    }
    return out;
  }

  // postJSON sends body and returns the JSON answer. An answer that is a page, not JSON,
  // means the server redirected the browser (sudo mode expired, already logged in): go there.
  async function postJSON(url, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body)
    });
    const type = res.headers.get('Content-Type') || '';
    if (type.indexOf('application/json') !== 0) {
      if (res.redirected) {
        const target = new URL(res.url);
        if (target.pathname === '/users/sudo') {
          target.search = '?return_to=' + encodeURIComponent(location.pathname);
        }
        location.assign(target.href);
      }
      if (res.status === 429) {
        // The per-IP limit of the log-in forms answers with its error page.
        throw new Error('You have sent too many requests in a short time. Wait a minute, then try again.');
      }
      throw new Error('Something went wrong. Reload the page and try again.');
    }
    const data = await res.json();
    if (!res.ok) {
      if (data.redirect) {
        location.assign(data.redirect); // the server ended what this page was doing
      }
      throw new Error(data.error || 'Something went wrong. Try again.');
    }
    return data;
  }

  // message turns a failure into words for the page. The browser's own errors say the
  // ceremony was cancelled or timed out, or that this device already holds a passkey.
  function message(err) {
    switch (err && err.name) {
      case 'NotAllowedError':
      case 'AbortError':
        return 'The passkey request was cancelled or timed out.';
      case 'InvalidStateError':
        return 'This device already has a passkey for your account.';
      default:
        return (err && err.message) || 'Something went wrong. Try again.';
    }
  }

  function showError(root, err) {
    const box = root.querySelector('[data-passkey-error]');
    if (box) {
      box.textContent = message(err);
      box.hidden = false;
    }
  }

  function setUpLogIn(root) {
    const button = root.querySelector('[data-passkey-button]');
    const trust = document.querySelector('[data-trust-browser]');
    let autofill = null; // AbortController of the pending autofill request
    let autofillReady = Promise.resolve();

    // finishURL is where the credential goes, with the page's choices in the query.
    function finishURL() {
      const query = new URLSearchParams();
      if (root.dataset.returnTo) {
        query.set('return_to', root.dataset.returnTo);
      }
      if (trust && trust.checked) {
        query.set('trust_browser', 'true');
      }
      const q = query.toString();
      return root.dataset.finish + (q ? '?' + q : '');
    }

    // logIn runs one login ceremony. onPending is called once the browser is asked, that
    // is once this ceremony's challenge cookie is set.
    async function logIn(conditional, onPending) {
      const options = requestOptions(await postJSON(root.dataset.options, {}));
      const request = { publicKey: options };
      if (conditional) {
        autofill = new AbortController();
        request.mediation = 'conditional';
        request.signal = autofill.signal;
      }
      const pending = navigator.credentials.get(request);
      if (onPending) {
        onPending();
      }
      const cred = await pending;
      const done = await postJSON(finishURL(), credentialJSON(cred));
      location.assign(done.redirect);
    }

    root.hidden = false;
    button.addEventListener('click', async function () {
      button.disabled = true;
      // Let the autofill request finish setting up before cancelling it: each request
      // replaces the challenge cookie, and the button's must be the last one.
      await autofillReady.catch(function () {});
      if (autofill) {
        autofill.abort();
        autofill = null;
      }
      try {
        await logIn(false);
      } catch (err) {
        showError(root, err);
        button.disabled = false;
      }
    });

    if ('autofill' in root.dataset && PublicKeyCredential.isConditionalMediationAvailable) {
      autofillReady = PublicKeyCredential.isConditionalMediationAvailable().then(function (ok) {
        if (!ok) {
          return undefined;
        }
        return new Promise(function (ready) {
          logIn(true, ready).catch(function (err) {
            ready();
            if (err.name !== 'AbortError') {
              showError(root, err);
            }
          });
        });
      });
    }
  }

  function setUpRegister(form) {
    const button = form.querySelector('button[type="submit"]');
    button.disabled = false;
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      button.disabled = true;
      try {
        const name = form.elements.name ? form.elements.name.value : '';
        const options = creationOptions(await postJSON(form.dataset.options, { name: name }));
        const cred = await navigator.credentials.create({ publicKey: options });
        const done = await postJSON(form.dataset.finish, credentialJSON(cred));
        location.assign(done.redirect);
      } catch (err) {
        showError(form, err);
        button.disabled = false;
      }
    });
  }

  document.querySelectorAll('[data-passkey-login]').forEach(setUpLogIn);
  document.querySelectorAll('[data-passkey-register]').forEach(setUpRegister);
})();
