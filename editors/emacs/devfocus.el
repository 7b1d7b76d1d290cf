;;; devfocus.el --- Focus tracking, docstrings and reports with DevFocus  -*- lexical-binding: t; -*-

;; Copyright (C) 2026 DevFocus contributors

;; Author: DevFocus contributors
;; Maintainer: DevFocus contributors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: tools, convenience
;; URL: https://github.com/devfocus/devfocus
;; SPDX-License-Identifier: MIT

;; This file is not part of GNU Emacs.

;;; Commentary:

;; DevFocus is a local language server that turns what you edit and commit into focus
;; sessions, context switches and reports, and writes and repairs Python docstrings.  This
;; package runs it through Eglot:
;;
;;   (devfocus-mode 1)
;;
;; registers the server (`devfocus serve', installed with `pipx install devfocus') with Eglot
;; for the modes in `devfocus-major-modes', starts it in their buffers, and shows its live
;; status in the mode line: the session's focus time and the task or branch, a focus block's
;; countdown, "Paused", or today's total when idle.  The commands `devfocus-report',
;; `devfocus-pause', `devfocus-resume' and `devfocus-focus-start' run the server's commands.
;; Docstring diagnostics, the "Generate docstring" code actions and hover come through Eglot
;; like any server's.
;;
;; Eglot runs one server per buffer: leave out of `devfocus-major-modes' the modes another
;; server handles for you.
;;
;; Documentation: https://github.com/devfocus/devfocus#readme

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'jsonrpc)
(require 'subr-x)

(defgroup devfocus nil
  "Focus tracking, docstrings and reports with the DevFocus language server."
  :group 'tools
  :prefix "devfocus-"
  :link '(url-link :tag "Documentation" "https://github.com/devfocus/devfocus#readme"))

(defcustom devfocus-server-command '("devfocus" "serve")
  "The command that starts the DevFocus server, a program and its arguments.
The program is looked for on the variable `exec-path' unless it is
absolute.  For example (\"python3\" \"-m\" \"devfocus\" \"serve\")."
  :type '(repeat string))

(defcustom devfocus-major-modes
  '(python-mode python-ts-mode markdown-mode gfm-mode yaml-mode yaml-ts-mode sh-mode
                bash-ts-mode)
  "The major modes whose buffers DevFocus follows.
Eglot runs one server per buffer, so these buffers get DevFocus instead of
any other server registered for them.  Changes take effect when
`devfocus-mode' is turned on."
  :type '(repeat symbol))

(defcustom devfocus-connect-automatically t
  "Whether `devfocus-mode' starts Eglot in buffers of `devfocus-major-modes'.
When nil, start it with \\[eglot] yourself."
  :type 'boolean)

(defcustom devfocus-initialization-options nil
  "DevFocus's settings, sent as `initializationOptions', a plist.
For example (:sessions (:idleTimeoutMinutes 15)).  Settings can also
be given in `eglot-workspace-configuration' under :devfocus."
  :type '(plist :tag "Settings"))

(defcustom devfocus-mode-line-prefix "DevFocus"
  "What the mode line shows before the status."
  :type 'string)

(defcustom devfocus-mode-line-update-interval 1
  "Seconds between updates of the mode line while its timer runs.
Nil updates it only when a status arrives."
  :type '(choice (number :tag "Seconds") (const :tag "Only on a new status" nil)))

(defcustom devfocus-status-functions nil
  "Functions called with each status the server sends, a plist."
  :type 'hook)

(defconst devfocus-report-periods
  '("today" "yesterday" "thisweek" "lastweek" "week" "30d" "90d" "year" "standup")
  "The periods of `devfocus-report'.")

(defconst devfocus-report-formats '("markdown" "text" "html" "json" "csv")
  "The formats of `devfocus-report'.")

(defconst devfocus--context-width 24
  "Longest task, branch or project name shown in the mode line.")

(defclass devfocus-server (eglot-lsp-server) ()
  :documentation "The DevFocus language server, as Eglot runs it.")

(defvar devfocus-status nil
  "The last devfocus/status notification, a plist.")

(defvar devfocus--statuses (make-hash-table :test #'eq :weakness 'key)
  "Each server's last status, as (STATUS . TIME-RECEIVED).")

(defvar devfocus--last nil
  "The newest of `devfocus--statuses', as (STATUS . TIME-RECEIVED).")

(defvar devfocus--timer nil
  "The timer that updates the mode line while the clock runs.")

(defvar devfocus-mode)                  ; defined below, by `define-minor-mode'

;;;; The server

(defun devfocus--contact (&optional _interactive _project)
  "The contact of the DevFocus server for `eglot-server-programs'.
Signal a `user-error' that says how to install it when it is missing."
  (let ((program (car devfocus-server-command)))
    (unless (and program (executable-find program (file-remote-p default-directory)))
      (user-error "DevFocus: the `%s' command was not found; install it with \
`pipx install devfocus', or set `devfocus-server-command'" program))
    `(devfocus-server ,@devfocus-server-command
                      ,@(when devfocus-initialization-options
                          (list :initializationOptions devfocus-initialization-options)))))

(defun devfocus--our-entry-p (entry)
  "Whether ENTRY of `eglot-server-programs' is DevFocus's."
  (eq (cdr-safe entry) #'devfocus--contact))

(defun devfocus--register ()
  "Put DevFocus first in `eglot-server-programs' for `devfocus-major-modes'."
  (devfocus--unregister)
  (push (cons devfocus-major-modes #'devfocus--contact) eglot-server-programs))

(defun devfocus--unregister ()
  "Take DevFocus out of `eglot-server-programs'."
  (setq eglot-server-programs (cl-remove-if #'devfocus--our-entry-p eglot-server-programs)))

(defun devfocus--mode-hooks ()
  "The hooks of `devfocus-major-modes'."
  (mapcar (lambda (mode) (intern (format "%s-hook" mode))) devfocus-major-modes))

(defun devfocus--ensure ()
  "Start DevFocus in the current buffer when it visits a file."
  (when buffer-file-name
    (eglot-ensure)))

(defun devfocus--server ()
  "The DevFocus server of the current buffer, else any running one.
Signal a `user-error' when none runs."
  (let ((current (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))))
    (or (and (cl-typep current 'devfocus-server) current)
        (cl-loop for servers being the hash-values of eglot--servers-by-project
                 thereis (cl-find-if (lambda (server)
                                       (and (cl-typep server 'devfocus-server)
                                            (jsonrpc-running-p server)))
                                     servers))
        (user-error "DevFocus is not running: open a file in one of `devfocus-major-modes'"))))

(defun devfocus--execute (command arguments then)
  "Run the server's COMMAND with ARGUMENTS (a list); call THEN with its result.
Asynchronous: a synchronous request can leave a notification that came
with its reply unread until the server sends something else."
  (jsonrpc-async-request
   (devfocus--server) :workspace/executeCommand
   `(:command ,command ,@(when arguments (list :arguments (vconcat arguments))))
   :success-fn then
   :error-fn (lambda (error)
               (message "DevFocus: %s failed: %s" command
                        (or (plist-get error :message) error)))
   :timeout-fn (lambda () (message "DevFocus: %s got no answer" command))))

;;;; The status

(cl-defmethod eglot-handle-notification ((server devfocus-server) method &rest params)
  "Keep SERVER's devfocus/status notification; pass on other METHODs and PARAMS."
  (if (eq method 'devfocus/status)
      (devfocus--receive server params)
    (cl-call-next-method)))

(defun devfocus--receive (server status)
  "Keep STATUS, a plist that SERVER sent, and show it."
  (let ((entry (cons status (float-time))))
    (puthash server entry devfocus--statuses)
    (setq devfocus--last entry
          devfocus-status status))
  (devfocus--update-timer)
  (run-hook-with-args 'devfocus-status-functions status)
  (force-mode-line-update t))

(defun devfocus--entry ()
  "Return the status entry of the current buffer: its server's, else the newest."
  (let ((server (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))))
    (or (and server (gethash server devfocus--statuses))
        devfocus--last)))

(defun devfocus--value (value)
  "VALUE, or nil for JSON null and false."
  (unless (eq value :json-false) value))

(defun devfocus--clock (seconds)
  "SECONDS as a ticking clock: 4:07 under an hour, 1:02:07 from an hour on."
  (let* ((total (max 0 (floor seconds)))
         (h (/ total 3600)) (m (/ (% total 3600) 60)) (s (% total 60)))
    (if (> h 0) (format "%d:%02d:%02d" h m s) (format "%d:%02d" m s))))

(defun devfocus--duration (seconds)
  "SECONDS as a total: 0m, 45m, 2h 05m."
  (let* ((minutes (max 0 (floor (or seconds 0) 60)))
         (h (/ minutes 60)) (m (% minutes 60)))
    (if (> h 0) (format "%dh %02dm" h m) (format "%dm" m))))

(defun devfocus--context (status)
  "What names the work in STATUS: the task, else the branch, else the project."
  (let* ((task (devfocus--value (plist-get status :task)))
         (context (devfocus--value (plist-get status :context)))
         (label (or (and task (plist-get task :label))
                    (and context (or (plist-get context :branch)
                                     (plist-get context :project))))))
    (when (and (stringp label) (not (string-empty-p label)))
      (truncate-string-to-width label devfocus--context-width nil nil "…"))))

(defun devfocus--look (status)
  "Return the look of STATUS: `focus', `deep', `active', `paused' or `idle'."
  (let ((state (plist-get status :state)))
    (cond ((and (devfocus--value (plist-get status :focusBlock))
                (not (equal state "paused")))
           'focus)
          ((equal state "active")
           (if (devfocus--value (plist-get status :deepWork)) 'deep 'active))
          ((equal state "paused") 'paused)
          (t 'idle))))

(defun devfocus--ticking-p (status)
  "Return non-nil when the text of STATUS is a running clock."
  (memq (devfocus--look status) '(focus deep active)))

(defun devfocus-status-text (status elapsed)
  "Return the mode line's text for STATUS, ELAPSED seconds after it arrived.
As the VS Code status item: \"4:07 · main\", \"12:03 focus · main\",
\"Paused\" or \"1h 05m today\"."
  (let ((look (devfocus--look status))
        (context (devfocus--context status)))
    (pcase look
      ('paused "Paused")
      ('idle (concat (devfocus--duration (plist-get status :todaySeconds)) " today"))
      (_ (let ((clock
                (if (eq look 'focus)
                    (concat (devfocus--clock
                             (ceiling (- (or (plist-get (plist-get status :focusBlock)
                                                        :remainingSeconds)
                                             0)
                                         elapsed)))
                            " focus")
                  (devfocus--clock (+ (or (plist-get status :sessionSeconds) 0) elapsed)))))
           (if context (concat clock " · " context) clock))))))

(defun devfocus--help-echo (status)
  "The mode line's tooltip for STATUS."
  (let ((task (devfocus--value (plist-get status :task))))
    (string-join
     (list (format "DevFocus: %s" (pcase (devfocus--look status)
                                    ('focus "focus block") ('deep "deep work")
                                    ('active "focus session") ('paused "tracking paused")
                                    (_ "idle")))
           (format "Today's focus: %s" (devfocus--duration (plist-get status :todaySeconds)))
           (format "Deep work today: %s"
                   (devfocus--duration (plist-get status :deepWorkSeconds)))
           (format "Context switches in the last hour: %s"
                   (or (plist-get status :switchesLastHour) 0))
           (format "Current task: %s" (or (and task (plist-get task :label)) "none"))
           "mouse-1: today's report")
     "\n")))

(defvar devfocus--mode-line-map
  (let ((map (make-sparse-keymap)))
    (define-key map [mode-line mouse-1] #'devfocus-report)
    map)
  "Keymap of the mode line's status.")

(defun devfocus-mode-line-string ()
  "The mode line's DevFocus status: empty before the first status."
  (let ((entry (devfocus--entry)))
    (if (not entry)
        ""
      (let ((status (car entry)))
        (concat " "
                (propertize (concat devfocus-mode-line-prefix " "
                                    (devfocus-status-text status (- (float-time) (cdr entry))))
                            'help-echo (devfocus--help-echo status)
                            'mouse-face 'mode-line-highlight
                            'local-map devfocus--mode-line-map))))))

(defvar devfocus--mode-line '(:eval (devfocus-mode-line-string))
  "DevFocus's part of `global-mode-string'.")
(put 'devfocus--mode-line 'risky-local-variable t)

(defun devfocus--tick ()
  "Update the mode line if the clock is running; otherwise stop the timer."
  (if (and devfocus--last (devfocus--ticking-p (car devfocus--last)))
      (force-mode-line-update t)
    (devfocus--stop-timer)))

(defun devfocus--update-timer ()
  "Start the mode line's timer when the newest status ticks."
  (when (and devfocus-mode devfocus-mode-line-update-interval (not devfocus--timer)
             devfocus--last (devfocus--ticking-p (car devfocus--last)))
    (setq devfocus--timer (run-at-time devfocus-mode-line-update-interval
                                       devfocus-mode-line-update-interval
                                       #'devfocus--tick))))

(defun devfocus--stop-timer ()
  "Stop the mode line's timer."
  (when devfocus--timer
    (cancel-timer devfocus--timer)
    (setq devfocus--timer nil)))

;;;; Commands

;;;###autoload
(defun devfocus-pause ()
  "Pause tracking in this Emacs: nothing is recorded until `devfocus-resume'."
  (interactive)
  (devfocus--execute "devfocus.tracking.pause" nil
                     (lambda (_status) (message "DevFocus: tracking paused"))))

;;;###autoload
(defun devfocus-resume ()
  "Resume tracking."
  (interactive)
  (devfocus--execute "devfocus.tracking.resume" nil
                     (lambda (_status) (message "DevFocus: tracking resumed"))))

;;;###autoload
(defun devfocus-focus-start (&optional minutes)
  "Start a focus block of MINUTES.
Without MINUTES, the length of the devfocus.focusBlock.minutes setting;
with a prefix argument, ask for it."
  (interactive (list (when current-prefix-arg (read-number "Focus block minutes: " 25))))
  (devfocus--execute
   "devfocus.focus.start" (when minutes (list (list :minutes minutes)))
   (lambda (block)
     (let ((left (plist-get block :remainingSeconds)))
       (message "DevFocus: focus block started%s"
                (if left (format-time-string ", until %H:%M" (+ (float-time) left)) ""))))))

(defun devfocus--report-mode (format)
  "The major mode for a report in FORMAT."
  (cl-find-if #'fboundp (pcase format
                          ("markdown" '(markdown-mode text-mode))
                          ("html" '(mhtml-mode html-mode text-mode))
                          ("json" '(js-json-mode js-mode text-mode))
                          ("csv" '(csv-mode text-mode))
                          (_ '(text-mode)))))

;;;###autoload
(defun devfocus-report (&optional period format)
  "Show the report of PERIOD in FORMAT in a buffer.
PERIOD is one of `devfocus-report-periods' (default \"today\"), FORMAT one
of `devfocus-report-formats' (default \"markdown\").  Interactively, ask
for the period, and with a prefix argument for the format too.  The
buffer, *DevFocus report: PERIOD*, is shown when the report arrives."
  (interactive
   (list (completing-read "Report period (default today): " devfocus-report-periods
                          nil t nil nil "today")
         (if current-prefix-arg
             (completing-read "Format (default markdown): " devfocus-report-formats
                              nil t nil nil "markdown")
           "markdown")))
  (let ((period (or period "today"))
        (format (or format "markdown")))
    (devfocus--execute "devfocus.report" (list (list :period period :format format))
                       (lambda (report) (devfocus--show-report report period format)))))

(defun devfocus--show-report (report period format)
  "Show REPORT, of PERIOD in FORMAT, in its buffer."
  (let ((buffer (get-buffer-create (concat "*DevFocus report: " period "*"))))
    (with-current-buffer buffer
      (let ((inhibit-read-only t))
        (erase-buffer)
        (if (stringp report)
            (insert report)
          (insert (json-serialize report :null-object nil :false-object :json-false))
          (json-pretty-print-buffer))
        (funcall (devfocus--report-mode format))
        (goto-char (point-min))
        (set-buffer-modified-p nil)
        (view-mode 1)))
    (pop-to-buffer buffer)))

;;;; The mode

;;;###autoload
(define-minor-mode devfocus-mode
  "Follow your work with DevFocus, through Eglot.
Registers the DevFocus server with Eglot for `devfocus-major-modes',
starts it in their buffers when `devfocus-connect-automatically' is
non-nil, and shows its status in the mode line."
  :global t
  :group 'devfocus
  (devfocus--unregister)
  (dolist (hook (devfocus--mode-hooks)) (remove-hook hook #'devfocus--ensure))
  (setq global-mode-string (delq 'devfocus--mode-line (ensure-list global-mode-string)))
  (devfocus--stop-timer)
  (when devfocus-mode
    (devfocus--register)
    (unless global-mode-string (setq global-mode-string '("")))
    (setq global-mode-string (append global-mode-string '(devfocus--mode-line)))
    (devfocus--update-timer)
    (when devfocus-connect-automatically
      (dolist (hook (devfocus--mode-hooks)) (add-hook hook #'devfocus--ensure))
      ;; Buffers already open in those modes.
      (dolist (buffer (buffer-list))
        (with-current-buffer buffer
          (when (and buffer-file-name (apply #'derived-mode-p devfocus-major-modes)
                     (not (bound-and-true-p eglot--managed-mode)))
            (eglot-ensure))))))
  (force-mode-line-update t))

(provide 'devfocus)
;;; devfocus.el ends here
