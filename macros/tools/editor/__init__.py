"""The browser editor (issue 23): `make edit`, forms from the data model, chapters side by side,
the real preview. Everything that depends on the editor chosen lives in this package, so the
choice can change: vendor.py (which package, which version), config.py (its configuration, made
from core/schema.py), server.py (its local backend, and the preview's addresses), admin/ (the
page that loads it, its figure widget and preview). yamlpatch.py, the line-level writer, serves
any editor that hands back whole files.

Why Decap CMS 3.16.3 rather than Sveltia CMS 0.221.1 (both MIT, both on npm, compared 2026-11-30)

- Local mode, which is what staff use. Decap speaks to a *local backend* over a small HTTP
  protocol (decap-server's ``/api/v1``: entriesByFolder, getEntry, persistEntry …). This project
  answers it itself (server.py), so every save goes through our own writer (only the changed
  lines) and our own checks (`make check`'s message, shown in the editor), and the test drives
  it in Chromium with Playwright like any page. Sveltia's local mode is the browser's File System
  Access API directory picker: the browser writes the files itself, nothing of ours sees a save
  before it is on disk, it works only in Chromium-based browsers, and Playwright cannot drive the
  picker without faking it. (Sveltia has no decap-server-style local backend; its issue #630
  asks for a local-only backend.)
- Twins x.md / x.en.md. Sveltia's i18n has ``omit_default_locale_from_filename`` and reads our
  layout as it is. Decap's ``structure: multiple_files`` always names the default locale
  (x.zh.md; decaporg/decap-cms#5280 for file collections). Our backend translates that one
  name (x.zh.md <-> x.md, server.py), so the files keep mkdocs-static-i18n's names. With a git
  host's backend (online) that translation is not there: see "Online" below.
- Git hosts. Both: GitHub, GitLab (self-hosted by ``api_root``/``base_url``), Gitea and Forgejo
  (Decap ``gitea``/``forgejo`` backends, PKCE login, Gitea ≥ 1.20, Forgejo ≥ 1.21.4 with CORS;
  Decap's editorial workflow — a branch and a pull request per change — on GitHub, GitLab and
  the ``forgejo`` backend).
- YAML comments: both write whole files without the comments (decaporg/decap-cms#5099: "expected
  behavior"). Here it does not matter locally: yamlpatch.py keeps every byte that did not change.
- Size on the wire (gzip -9, measured): Decap's bundle 1.51 MB (decap-cms.js; 1.72 MB with
  every lazily loaded chunk, 6.4 MB on disk), Sveltia 0.64 MB. Served from 127.0.0.1, the size
  costs a staff member nothing on a district network; a deployment behind a git host's login
  would serve it compressed.
- Maintenance: both released in 2026 (Decap 3.16.3, decap-server 3.11.3; Sveltia 0.221.1, still
  0.x). Decap is the older project with the wider use and a documented proxy protocol.
- Third-party requests: Decap's bundle names its hosts (api.github.com, Uploadcare, Cloudinary …)
  only for backends and media libraries this configuration does not use; the end-to-end test
  asserts the admin makes no request off 127.0.0.1.

Decisions inside the choice

- A figure is typed as text (the ``figure`` widget, admin/editor.js), not in Decap's ``number``
  widget: a browser's number field cannot hold "12%" or "1,234", so staff would never be told how
  to type a figure; typed as text, it reaches `make check`, which says so in its own words. The
  form shows the schema's range in the hint; the check enforces it.
- A save is checked before it is written, on a staged copy of the project (hard links under
  .cache/); a save the check refuses never reaches the files, and the check's message shows above
  the form, which keeps what staff typed: the preview and the files on disk stay sound, and the
  mistake is fixed in the form. Only problems in the files being saved refuse a save.
- An optional part is taken out of the file by emptying every field in it, and added by filling
  it in: Decap has no "remove this object" control.
- An event's ``figures`` (a map of names of the account's own choosing) is not in the form; the
  writer never removes what the form does not show.

Online (documented, not built yet): the same configuration with ``backend: {name: gitea |
gitlab | github, repo: …, api_root: …}`` and ``publish_mode: editorial_workflow``; there the
chapters need Decap's locale-suffixed names or Sveltia's ``omit_default_locale_from_filename``,
which is the point at which switching to Sveltia for the online editor should be weighed again.
"""
