-- Drives Neovim (headless) through DevFocus after a setup was sourced: the block from
-- docs/editors.md, or the plugin in editors/neovim with require("devfocus").setup({}).
-- Env: DEVFOCUS_FILE (a Python file in the project, the current directory), DEVFOCUS_OUT (a folder
-- for the results), DEVFOCUS_TIMEOUT_MS (bound of each step), DEVFOCUS_VARIANT ("block" or
-- "package": with the plugin, its status(), statusline() and user commands are driven too).
-- Exit 0 when every step passed, 124 when a step timed out, 3 when the server answered with an
-- error. results.json names the step under way ("step") and the LSP log ("log"), written at
-- each step.
local FILE = assert(os.getenv("DEVFOCUS_FILE"), "DEVFOCUS_FILE is not set")
local OUT = assert(os.getenv("DEVFOCUS_OUT"), "DEVFOCUS_OUT is not set")
local TIMEOUT = tonumber(os.getenv("DEVFOCUS_TIMEOUT_MS") or "20000")
local PACKAGE = os.getenv("DEVFOCUS_VARIANT") == "package"
vim.lsp.set_log_level("debug") -- every message, for the test's artifacts
local results = { steps = {}, log = vim.lsp.get_log_path() }

local function save_results()
  local f = assert(io.open(OUT .. "/results.json", "w"))
  f:write(vim.json.encode(results))
  f:close()
end

local function finish(code, message)
  results.exit = message
  save_results()
  for _, client in pairs(vim.lsp.get_active_clients()) do client.stop() end
  vim.wait(3000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
  vim.cmd(code == 0 and "qall!" or ("cquit " .. code))
end

-- A run killed from outside still says which step it was at.
local function step(name)
  results.step = name
  table.insert(results.steps, name)
  save_results()
end

local function wait_for(what, condition)
  if not vim.wait(TIMEOUT, condition, 20) then finish(124, "timed out waiting for " .. what) end
end

local function request(client, bufnr, method, params)
  local reply = client.request_sync(method, params, TIMEOUT, bufnr)
  if not reply then finish(124, "timed out on " .. method) end
  if reply.err then finish(3, method .. ": " .. vim.inspect(reply.err)) end
  return reply.result
end

-- Diagnostics as they arrive, with the document version they are for.
local diagnostics = {}
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  table.insert(diagnostics, result)
  return publish(err, result, ctx, config)
end

-- The status as the setup keeps it: the plugin's status(), or the block's vim.g variable.
local function current_status()
  if PACKAGE then return require("devfocus").status() end
  return vim.g.devfocus_status
end

-- The plugin's own parts: its statusline component and user commands, each checked against the
-- status notification that follows (counted through the plugin's User DevFocusStatus event).
local notifications = 0
local function drive_the_package()
  local devfocus = require("devfocus")
  vim.api.nvim_create_autocmd("User", {
    pattern = "DevFocusStatus", callback = function() notifications = notifications + 1 end,
  })
  local function after(command, what, condition)
    local before = notifications
    vim.cmd(command)
    wait_for(what, function()
      local status = devfocus.status()
      return notifications > before and status ~= nil and condition(status)
    end)
    return { status = devfocus.status(), statusline = devfocus.statusline() }
  end

  step("the statusline component shows the status")
  results.package = { status = devfocus.status(), statusline = devfocus.statusline() }

  step(":DevFocusPause; the next status is paused")
  results.package.paused = after("DevFocusPause", "a paused status after :DevFocusPause",
    function(status) return status.state == "paused" end)

  step(":DevFocusResume; the next status is not paused")
  results.package.resumed = after("DevFocusResume", "a status after :DevFocusResume",
    function(status) return status.state ~= "paused" end)

  step(":DevFocusFocusStart 5; the statusline counts the block down")
  results.package.focus = after("DevFocusFocusStart 5", "a status with the focus block",
    function(status) return status.focusBlock ~= nil and status.focusBlock ~= vim.NIL end)

  step(":DevFocusReport shows the report in a buffer")
  local source = vim.api.nvim_get_current_buf()
  vim.cmd("DevFocusReport today")
  wait_for("the report buffer", function()
    return vim.api.nvim_get_current_buf() ~= source
  end)
  local report = vim.api.nvim_get_current_buf()
  results.package.report = {
    name = vim.api.nvim_buf_get_name(report),
    filetype = vim.bo[report].filetype,
    modifiable = vim.bo[report].modifiable,
    text = table.concat(vim.api.nvim_buf_get_lines(report, 0, -1, false), "\n"),
  }
end

-- Any error in a step (not only a timeout) ends the run with the step named.
local function drive()
  step("open the file; the first devfocus/status")
  vim.cmd("edit " .. vim.fn.fnameescape(FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  -- Filetype detection is off while -u runs; the language id comes from it.
  vim.bo[bufnr].filetype = "python"
  wait_for("the first devfocus/status", function() return current_status() ~= nil end)
  local client = vim.lsp.get_active_clients()[1]
  local uri = vim.uri_from_bufnr(bufnr)

  step("edit the file; the status follows")
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { "", "RATE = 0.2" })
  wait_for("an active status after editing", function()
    local status = current_status()
    return status.state == "active" and status.context ~= vim.NIL
  end)
  results.status = current_status()

  step("docstring diagnostics for the current version")
  wait_for("diagnostics for the current version", function()
    local last = diagnostics[#diagnostics]
    return last ~= nil and last.version == vim.lsp.util.buf_versions[bufnr] and #last.diagnostics > 0
  end)
  results.diagnostics = diagnostics[#diagnostics]
  results.version = vim.lsp.util.buf_versions[bufnr]

  step("hover on the function's name") -- line 4, "def total"
  results.hover = request(client, bufnr, "textDocument/hover", {
    textDocument = { uri = uri }, position = { line = 3, character = 5 },
  })

  step("apply Generate docstring from the code actions and save")
  local actions = request(client, bufnr, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = { start = { line = 3, character = 5 }, ["end"] = { line = 3, character = 5 } },
    context = { diagnostics = {} },
  })
  results.actions = {}
  for _, action in ipairs(actions or {}) do
    table.insert(results.actions, action.title)
    if action.title:find("Generate docstring for", 1, true) and not results.applied then
      if not action.edit then
        action = request(client, bufnr, "codeAction/resolve", action)
      end
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
      vim.cmd("silent write")
      results.applied = action.title
    end
  end
  if not results.applied then finish(1, "no Generate docstring action") end

  step("the report through workspace/executeCommand")
  results.report = request(client, bufnr, "workspace/executeCommand", {
    command = "devfocus.report", arguments = { { period = "today" } },
  })
  if PACKAGE then drive_the_package() end
  finish(0, "ok")
end

local ok, err = pcall(drive)
if not ok then finish(1, "error: " .. tostring(err)) end
