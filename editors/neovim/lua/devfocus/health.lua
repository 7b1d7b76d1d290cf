-- :checkhealth devfocus — is the server's command there, and is a client running?
local M = {}

-- vim.health (0.9+) or the older `health` module of 0.7 and 0.8.
local health = vim.health or require("health")
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error
local info = health.info or health.report_info

function M.check()
  start("devfocus")
  local devfocus = require("devfocus")
  local cmd = devfocus.config().cmd
  local program = cmd[1]
  if vim.fn.executable(program) ~= 1 then
    error(("`%s` was not found"):format(program), {
      "Install the server: pipx install devfocus",
      "Or give its command: require('devfocus').setup({ cmd = { '/path/to/devfocus', 'serve' } })",
    })
    return
  end
  ok(("server command: %s (%s)"):format(table.concat(cmd, " "), vim.fn.exepath(program)))
  if vim.fn.fnamemodify(program, ":t"):match("^devfocus") then
    local version = vim.fn.system({ program, "--version" })
    if vim.v.shell_error == 0 then
      ok(vim.trim(version))
    else
      warn(("`%s --version` failed: %s"):format(program, vim.trim(version)))
    end
  end
  local status = devfocus.status()
  if status then
    info(("last status: %s (%s)"):format(status.state, devfocus.statusline()))
  else
    info("no status yet: the server starts with the first file buffer after setup()")
  end
end

return M
