;;; eglot-test.el --- the language server in a real Emacs (Debian emacs 28 + elpa-eglot 1.9)  -*- lexical-binding: t -*-
;;
;;   SERVER=dist/server.js FILE=e2e/fixtures/insecure-hub.json emacs --batch -q -l test/emacs/eglot-test.el
;;
;; Opens FILE, waits for the NS-2 publicNetworkAccess diagnostic (through flymake), asks the server for code
;; actions on it, applies the quick fix's workspace edit, and waits for that diagnostic to go while the DP-3 one
;; stays.  Prints `PASS <file> ...' and exits 0, or `FAIL <file>: why' and exits 1.  test/emacs/run.sh runs it
;; per fixture and counts.
;;
;; Batch-mode traps (see /work/shared/notes/editor-testing.md, section 5):
;; - `-q', not `-Q': -Q skips site-start, and Debian's elpa packages are then not found.
;; - `eglot-ensure' waits for `post-command-hook', which never runs in --batch: call `eglot' ourselves.
;; - idle timers never fire in --batch, so after an edit `didChange' is signalled by hand.
;; - these are eglot internals (`eglot--...'), so the test is pinned to Debian's elpa-eglot 1.9.
;;
;; Optional: RULE, FIX_TITLE, FIXED, KEEP, WAIT (seconds, default 15) as in test/nvim/lsp-test.lua.

(require 'package)
(package-initialize)
(require 'eglot)
(require 'flymake)
(require 'subr-x)

(defvar iothub-test-t0 (float-time))
(defvar iothub-test-file (getenv "FILE"))
(defvar iothub-test-name (if iothub-test-file (file-name-nondirectory iothub-test-file) "?"))

(defun iothub-test-ms () (round (* 1000 (- (float-time) iothub-test-t0))))

(defun iothub-test-fail (fmt &rest args)
  (princ (format "FAIL %s: %s (after %d ms)\n" iothub-test-name (apply #'format fmt args) (iothub-test-ms)))
  (kill-emacs 1))

(defun iothub-test-wait (pred secs)
  "Run the event loop until PRED holds or SECS pass; return PRED's last value."
  (let ((deadline (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall pred)))

(defun iothub-test-diags (code)
  "Our LSP diagnostics (plists) in the current buffer, with CODE when non-nil."
  (cl-loop for d in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))
           when (and lsp (equal (plist-get lsp :source) "iothub-baseline")
                     (or (null code) (equal (plist-get lsp :code) code)))
           collect lsp))

(defun iothub-test-run ()
  (let* ((server (getenv "SERVER"))
         (file iothub-test-file)
         (rule (or (getenv "RULE") "iothub-disable-public-network-access"))
         (fix-title (or (getenv "FIX_TITLE") "Set publicNetworkAccess to 'Disabled'"))
         (keep (or (getenv "KEEP") "iothub-min-tls-1-2"))
         (wait (string-to-number (or (getenv "WAIT") "15")))
         (fixed (or (getenv "FIXED")
                    (if (string-suffix-p ".bicep" (or file ""))
                        "publicNetworkAccess: 'Disabled'"
                      "\"publicNetworkAccess\": \"Disabled\""))))
    (unless (and server file) (iothub-test-fail "set SERVER (path to dist/server.js) and FILE"))
    (unless (file-readable-p server) (iothub-test-fail "no server at %s" server))
    ;; Without the Bicep extension Emacs has no bicep mode; the mode name gives eglot's languageId.
    (define-derived-mode bicep-mode prog-mode "Bicep")
    (add-to-list 'auto-mode-alist '("\\.bicep\\'" . bicep-mode))
    ;; Emacs 28 opens .json in js-mode: tell the server it is JSON.
    (add-to-list 'eglot-server-programs
                 `(((js-mode :language-id "json") (bicep-mode :language-id "bicep")) . ("node" ,server "--stdio")))
    (setq eglot-sync-connect t)
    (find-file file)
    (apply #'eglot (eglot--guess-contact))
    (let ((conn (eglot-current-server)))
      (unless conn (iothub-test-fail "eglot did not connect"))
      (unless (iothub-test-wait (lambda () (iothub-test-diags rule)) wait)
        (iothub-test-fail "no %s diagnostic within %s s (flymake has: %S)" rule wait
                          (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
      (let* ((t-diag (iothub-test-ms))
             (diag (car (iothub-test-diags rule)))
             (range (plist-get diag :range))
             (line (plist-get (plist-get range :start) :line)))
        (unless (string-prefix-p "NS-2: " (plist-get diag :message))
          (iothub-test-fail "message does not start with the control id: %s" (plist-get diag :message)))
        (unless (iothub-test-diags keep)
          (iothub-test-fail "no %s diagnostic next to the %s one" keep rule))
        (let* ((actions (jsonrpc-request conn :textDocument/codeAction
                                         (list :textDocument (eglot--TextDocumentIdentifier)
                                               :range range
                                               :context (list :diagnostics (vector diag)))))
               (action (cl-find-if (lambda (a) (string-prefix-p fix-title (plist-get a :title))) actions))
               (t-action (iothub-test-ms)))
          (unless action
            (iothub-test-fail "no code action titled \"%s...\" (got: %s)" fix-title
                              (mapconcat (lambda (a) (plist-get a :title)) actions " | ")))
          (unless (plist-get action :edit) (iothub-test-fail "the code action has no workspace edit"))
          (eglot--apply-workspace-edit (plist-get action :edit))
          (eglot--signal-textDocument/didChange)
          (let ((text (save-excursion
                        (goto-char (point-min))
                        (forward-line line)
                        (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))
            (unless (string-search fixed text)
              (iothub-test-fail "after the fix, line %d is `%s', expected it to contain `%s'" (1+ line) text fixed)))
          (unless (iothub-test-wait (lambda () (null (iothub-test-diags rule))) wait)
            (iothub-test-fail "the %s diagnostic did not clear within %s s after the fix" rule wait))
          (unless (iothub-test-diags keep)
            (iothub-test-fail "the %s diagnostic went away together with the fixed one" keep))
          (princ (format "PASS %s: diagnostic at %d ms, code action \"%s\" at %d ms, cleared at %d ms\n"
                         iothub-test-name t-diag (plist-get action :title) t-action (iothub-test-ms)))
          (set-buffer-modified-p nil)
          (eglot-shutdown conn)
          (kill-emacs 0))))))

(condition-case err
    (iothub-test-run)
  (error (iothub-test-fail "error: %s" (error-message-string err))))

;;; eglot-test.el ends here
