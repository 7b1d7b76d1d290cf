;;; drive.el --- drives Emacs (batch) through DevFocus  -*- lexical-binding: t -*-
;; Loaded after a setup (DEVFOCUS_SETUP): the block from docs/editors.md, or one that loads
;; editors/emacs/devfocus.el and turns on `devfocus-mode'. Env: DEVFOCUS_FILE (a Python file of
;; the project), DEVFOCUS_OUT (a folder for results.json), DEVFOCUS_TIMEOUT (seconds per step),
;; DEVFOCUS_VARIANT ("block" or "package": with the package, its mode line and commands are
;; driven too).
;; Exit 0 when every step passed, 124 when one timed out, 1 on an error. results.json names the
;; step under way (written at each step); the Eglot event log, the server's stderr and *Messages*
;; are written next to it as *.log.
(unless (locate-library "eglot")        ; with -Q, Debian's elpa packages are not active
  (require 'package)
  (setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
  (package-initialize))
(require 'eglot)
(require 'cl-lib)
(require 'python)
(load (getenv "DEVFOCUS_SETUP") nil t)

(defvar drive-out (getenv "DEVFOCUS_OUT"))
(defvar drive-timeout (string-to-number (or (getenv "DEVFOCUS_TIMEOUT") "20")))
(defvar drive-diagnostics nil)
(defvar drive-results nil)

(defun drive-save ()
  (let ((coding-system-for-write 'utf-8))
    (with-temp-file (expand-file-name "results.json" drive-out)
      (insert (json-serialize drive-results :null-object nil :false-object :json-false)))))

(defun drive-step (name)
  "Start step NAME: a run killed from outside still says which step it was at."
  (setq drive-results (plist-put drive-results :step name))
  (drive-save))

(defun drive-save-logs ()
  "Eglot's buffers (events, stderr) as eglot-*.log and *Messages* as messages.log in `drive-out'."
  (dolist (buffer (buffer-list))
    (let* ((name (buffer-name buffer))
           (file (cond ((string-match "EGLOT .* \\([a-z]+\\)\\*$" name)
                        (concat "eglot-" (match-string 1 name)))
                       ((equal name "*Messages*") "messages"))))
      (when file
        (with-current-buffer buffer
          (let ((coding-system-for-write 'utf-8))
            (write-region nil nil (expand-file-name (concat file ".log") drive-out) nil 'quiet)))))))

(defun drive-finish (code message)
  (setq drive-results (plist-put drive-results :exit message))
  (drive-save)
  (condition-case err (drive-save-logs) (error (message "could not save the logs: %S" err)))
  (dolist (servers (hash-table-values eglot--servers-by-project))
    (dolist (server servers) (ignore-errors (eglot-shutdown server))))
  (kill-emacs code))

(defun drive-wait-for (what predicate)
  "Read server output until PREDICATE holds; exit 124 after `drive-timeout' seconds."
  (let ((deadline (+ (float-time) drive-timeout)))
    (while (not (funcall predicate))
      (when (> (float-time) deadline) (drive-finish 124 (format "timed out waiting for %s" what)))
      (accept-process-output nil 0.02))))

(defvar drive-package (equal (getenv "DEVFOCUS_VARIANT") "package"))
(defvar drive-notifications 0 "Status notifications counted through the package's hook.")

(defun drive-put (key value)
  "Set KEY of the package's results (under :package in results.json) to VALUE."
  (setq drive-results
        (plist-put drive-results :package
                   (plist-put (plist-get drive-results :package) key value))))

(defun drive-after (action what predicate)
  "Call ACTION, then wait for a status notification after it that PREDICATE accepts.
The status and the mode line's text then, as a plist."
  (let ((before drive-notifications))
    (funcall action)
    (drive-wait-for what (lambda () (and (> drive-notifications before)
                                         (funcall predicate devfocus-status))))
    (list :status devfocus-status :modeLine (devfocus-mode-line-string))))

(defun drive-the-package (server)
  "The package's own parts: the mode line and the commands, against SERVER's notifications."
  (add-hook 'devfocus-status-functions
            (lambda (_status) (setq drive-notifications (1+ drive-notifications))))
  (drive-step "the mode line shows the status")
  (drive-put :serverClass (symbol-name (eieio-object-class-name server)))
  (drive-put :inModeLine (and (memq 'devfocus--mode-line global-mode-string) t))
  (drive-put :status devfocus-status)
  (drive-put :modeLine (devfocus-mode-line-string))
  (drive-step "devfocus-pause; the next status is paused")
  (drive-put :paused (drive-after #'devfocus-pause "a paused status after devfocus-pause"
                                  (lambda (status) (equal (plist-get status :state) "paused"))))
  (drive-step "devfocus-resume; the next status is not paused")
  (drive-put :resumed (drive-after #'devfocus-resume "a status after devfocus-resume"
                                   (lambda (status)
                                     (not (equal (plist-get status :state) "paused")))))
  (drive-step "devfocus-focus-start; the mode line counts the block down")
  (drive-put :focus (drive-after (lambda () (devfocus-focus-start 5))
                                 "a status with the focus block"
                                 (lambda (status) (plist-get status :focusBlock))))
  (drive-step "devfocus-report shows the report in a buffer")
  (devfocus-report "today")
  (drive-wait-for "the report buffer"
                  (lambda () (let ((buffer (get-buffer "*DevFocus report: today*")))
                               (and buffer (> (buffer-size buffer) 0)))))
  (with-current-buffer "*DevFocus report: today*"
    (drive-put :report (list :mode (symbol-name major-mode)
                             :readOnly (and buffer-read-only t)
                             :text (buffer-substring-no-properties (point-min) (point-max))))))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &rest params)
  (push params drive-diagnostics))

(setq eglot-sync-connect nil
      eglot-autoreconnect nil
      eglot-confirm-server-initiated-edits nil)

(condition-case err
    (progn
      (drive-step "open the file; the first devfocus/status")
      (find-file (getenv "DEVFOCUS_FILE"))
      ;; What M-x eglot does, from `eglot-server-programs' (eglot-ensure waits for idle time,
      ;; which never comes in batch).
      (apply #'eglot (eglot--guess-contact))
      (drive-wait-for "the first devfocus/status" (lambda () devfocus-status))
      (let ((server (eglot-current-server))
            (document (eglot--TextDocumentIdentifier)))
        (drive-step "edit the file; the status follows")
        ;; Idle timers never fire in batch, so send the change by hand.
        (goto-char (point-max))
        (insert "\nRATE = 0.2\n")
        (eglot--signal-textDocument/didChange)
        (drive-wait-for "an active status after editing"
                        (lambda () (and (equal (plist-get devfocus-status :state) "active")
                                        (plist-get devfocus-status :context))))
        (setq drive-results (plist-put drive-results :status devfocus-status))
        (drive-step "docstring diagnostics for the current version")
        (let ((version eglot--versioned-identifier))
          (drive-wait-for "diagnostics for the current version"
                          (lambda () (let ((last (car drive-diagnostics)))
                                       (and last (eql (plist-get last :version) version)
                                            (> (length (plist-get last :diagnostics)) 0)))))
          (setq drive-results (plist-put drive-results :version version))
          (setq drive-results (plist-put drive-results :diagnostics (car drive-diagnostics))))
        (drive-step "hover on the function's name")
        (setq drive-results
              (plist-put drive-results :hover
                         (jsonrpc-request server :textDocument/hover
                                          `(:textDocument ,document
                                            :position (:line 3 :character 5))
                                          :timeout drive-timeout)))
        (drive-step "apply Generate docstring from the code actions and save")
        (let* ((actions (append (jsonrpc-request
                                 server :textDocument/codeAction
                                 `(:textDocument ,document
                                   :range (:start (:line 3 :character 5)
                                           :end (:line 3 :character 5))
                                   :context (:diagnostics []))
                                 :timeout drive-timeout)
                                nil))
               (action (cl-find-if (lambda (a) (string-prefix-p "Generate docstring for"
                                                                (plist-get a :title)))
                                   actions)))
          (unless action (drive-finish 1 "no Generate docstring action"))
          (unless (plist-get action :edit)
            (setq action (jsonrpc-request server :codeAction/resolve action
                                          :timeout drive-timeout)))
          (eglot--apply-workspace-edit (plist-get action :edit))
          (save-buffer)
          (setq drive-results (plist-put drive-results :applied (plist-get action :title))))
        (drive-step "the report through workspace/executeCommand")
        (setq drive-results
              (plist-put drive-results :report
                         (jsonrpc-request server :workspace/executeCommand
                                          '(:command "devfocus.report"
                                            :arguments [(:period "today")])
                                          :timeout drive-timeout)))
        (when drive-package (drive-the-package server))
        (drive-finish 0 "ok")))
  (error (drive-finish 1 (format "error: %S" err))))
