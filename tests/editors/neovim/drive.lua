-- Drives Neovim (headless) through DevFocus after the setup from docs/editors.md was sourced.
-- Env: DEVFOCUS_FILE (a Python file in the project, the current directory), DEVFOCUS_OUT (a folder
-- for the results), DEVFOCUS_TIMEOUT_MS (bound of each step). Exit 0 when every step passed,
-- 124 when a step timed out, 3 when the server answered with an error. results.json names the
-- step under way ("step") and the LSP log ("log"), written at each step.
local FILE = assert(os.getenv("DEVFOCUS_FILE"), "DEVFOCUS_FILE is not set")
local OUT = assert(os.getenv("DEVFOCUS_OUT"), "DEVFOCUS_OUT is not set")
local TIMEOUT = tonumber(os.getenv("DEVFOCUS_TIMEOUT_MS") or "20000")
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

-- Any error in a step (not only a timeout) ends the run with the step named.
local function drive()
  step("open the file; the first devfocus/status")
  vim.cmd("edit " .. vim.fn.fnameescape(FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  -- Filetype detection is off while -u runs; the language id comes from it.
  vim.bo[bufnr].filetype = "python"
  wait_for("the first devfocus/status", function() return vim.g.devfocus_status ~= nil end)
  local client = vim.lsp.get_active_clients()[1]
  local uri = vim.uri_from_bufnr(bufnr)

  step("edit the file; the status follows")
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { "", "RATE = 0.2" })
  wait_for("an active status after editing", function()
    local status = vim.g.devfocus_status
    return status.state == "active" and status.context ~= vim.NIL
  end)
  results.status = vim.g.devfocus_status

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
  finish(0, "ok")
end

local ok, err = pcall(drive)
if not ok then finish(1, "error: " .. tostring(err)) end
