-- DevFocus for Neovim 0.7 and newer: starts the DevFocus language server (`devfocus serve`),
-- attaches it to file buffers (one client per project root), keeps its `devfocus/status`
-- notifications for the statusline and adds the :DevFocus* commands. See `:help devfocus`.
local format = require("devfocus.format")

local M = {}

local NAME = "devfocus"
local STATUS_METHOD = "devfocus/status"
local COMMANDS = {
  pause = "devfocus.tracking.pause",
  resume = "devfocus.tracking.resume",
  report = "devfocus.report",
  focus_start = "devfocus.focus.start",
}
local INSTALL_HINT = "install it with `pipx install devfocus` (or `pip install devfocus`), "
  .. "or give its command: require('devfocus').setup({ cmd = { ... } })"

--- The periods and formats :DevFocusReport accepts (those of the `devfocus.report` command).
M.periods = { "today", "yesterday", "thisweek", "lastweek", "week", "30d", "90d", "year", "standup" }
M.formats = { "markdown", "text", "html", "json", "csv" }

local FILETYPES = { markdown = "markdown", text = "text", html = "html", json = "json", csv = "csv" }

local defaults = {
  cmd = { "devfocus", "serve" },
  cmd_env = nil,
  -- nil: every file buffer; else a list of filetypes.
  filetypes = nil,
  -- A buffer's project is the nearest folder above it holding one of these; files outside any
  -- are attached to a client for the current directory (or their own folder).
  root_markers = { ".git" },
  -- function(bufnr, path) returning the root folder (or nil: do not attach), instead of markers.
  root_dir = nil,
  init_options = nil,
  settings = nil,
  on_attach = nil,
  capabilities = nil,
  -- How often (ms) statuslines are redrawn while the timer runs; 0 never.
  statusline_refresh_ms = 1000,
}

local config = vim.deepcopy(defaults)
local clients = {} -- root folder -> client id (for Neovim 0.7, which has no vim.lsp.start)
local statuses = {} -- client id -> { status = the last notification, received = loop ms }
local last -- the newest of `statuses`
local refresh_timer, refreshing
local reports = {} -- report buffer name -> buffer number
local told_missing = false

local uv = vim.uv or vim.loop -- vim.uv from Neovim 0.10
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

local function notify(message, level)
  vim.notify("DevFocus: " .. message, level or vim.log.levels.INFO)
end

-- Client methods became `client:request(...)` in Neovim 0.11; 0.7 has plain functions.
local function client_request(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then return client:request(method, params, handler, bufnr) end
  return client.request(method, params, handler, bufnr)
end

--- Whether the server's command can run; says once, clearly, when it cannot.
local function available()
  if vim.fn.executable(config.cmd[1]) == 1 then return true end
  if not told_missing then
    told_missing = true
    notify(("the `%s` command was not found: %s"):format(config.cmd[1], INSTALL_HINT),
      vim.log.levels.ERROR)
  end
  return false
end

-- The nearest folder at or above `dir` holding one of `markers`.
local function find_root(dir, markers)
  while true do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. "/" .. marker) then return dir end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then return nil end
    dir = parent
  end
end

local function root_of(bufnr, path)
  if config.root_dir then return config.root_dir(bufnr, path) end
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local root = find_root(dir, config.root_markers or {})
  if root then return root end
  local cwd = uv.cwd()
  if dir == cwd or vim.startswith(dir, cwd .. "/") then return cwd end
  return dir
end

local function wanted(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then return false end
  local path = vim.api.nvim_buf_get_name(bufnr)
  -- Unnamed buffers and ones backed by a plugin (fugitive://, oil://...) are not files.
  if path == "" or path:match("^%a[%w+.-]*://") then return false end
  return config.filetypes == nil or vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype)
end

local function ensure_refresh(ticking)
  local every = config.statusline_refresh_ms or 0
  if not ticking or every <= 0 then
    if refreshing then refresh_timer:stop() end
    refreshing = false
    return
  end
  refresh_timer = refresh_timer or uv.new_timer()
  if not refreshing then
    refreshing = true
    refresh_timer:start(every, every, vim.schedule_wrap(function() vim.cmd("redrawstatus!") end))
  end
end

local function on_status(_, status, ctx)
  if type(status) ~= "table" then return end
  local entry = { status = status, received = uv.now() }
  statuses[ctx.client_id] = entry
  last = entry
  vim.g.devfocus_status = status -- as the setup block without the plugin keeps it
  ensure_refresh(format.ticking(status))
  vim.api.nvim_exec_autocmds("User", { pattern = "DevFocusStatus", modeline = false })
  vim.cmd("redrawstatus!")
end

local function forget(client_id)
  statuses[client_id] = nil
  if last and not vim.tbl_contains(vim.tbl_values(statuses), last) then
    last = nil
    for _, entry in pairs(statuses) do
      if not last or entry.received > last.received then last = entry end
    end
  end
  for root, id in pairs(clients) do
    if id == client_id then clients[root] = nil end
  end
  ensure_refresh(last ~= nil and format.ticking(last.status))
end

local function client_config(root)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if config.capabilities then
    capabilities = vim.tbl_deep_extend("force", capabilities, config.capabilities)
  end
  return {
    name = NAME,
    cmd = config.cmd,
    cmd_env = config.cmd_env,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = config.init_options,
    settings = config.settings,
    capabilities = capabilities,
    handlers = { [STATUS_METHOD] = on_status },
    on_attach = config.on_attach,
    on_exit = function(_, _, client_id) vim.schedule(function() forget(client_id) end) end,
  }
end

--- Attaches DevFocus to `bufnr` (when it is a file buffer it should follow), starting the
--- client of its project first when none runs.
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then bufnr = vim.api.nvim_get_current_buf() end
  if not wanted(bufnr) or not available() then return end
  local root = root_of(bufnr, vim.api.nvim_buf_get_name(bufnr))
  if not root then return end
  if vim.lsp.start then -- Neovim 0.8+: reuses the client of the same name and root
    vim.lsp.start(client_config(root), { bufnr = bufnr })
    return
  end
  local id = clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config(root))
    if not id then return end
    clients[root] = id
  end
  if not vim.lsp.buf_is_attached(bufnr, id) then vim.lsp.buf_attach_client(bufnr, id) end
end

-- The DevFocus client of `bufnr`, else any running one.
local function client_for(bufnr)
  local any
  for _, client in pairs(get_clients()) do
    if client.name == NAME then
      if vim.lsp.buf_is_attached(bufnr, client.id) then return client end
      any = any or client
    end
  end
  return any
end

local function current_entry(bufnr)
  local client = client_for(bufnr or vim.api.nvim_get_current_buf())
  return client and statuses[client.id] or last
end

--- The last `devfocus/status` the server sent (for the current buffer's client when it has
--- sent one), as a table; nil before the first. Fields: see the protocol (state,
--- sessionSeconds, todaySeconds, context, task, focusBlock...).
function M.status(bufnr)
  local entry = current_entry(bufnr)
  return entry and entry.status or nil
end

--- A statusline component: `4:07 · main` (the session's focus time and the task, branch or
--- project), `12:03 focus · main` (a focus block's time left), `Paused`, `1h 05m today`
--- (idle), or "" before the first status.
function M.statusline()
  local entry = current_entry()
  if not entry then return "" end
  return format.text(entry.status, (uv.now() - entry.received) / 1000)
end

-- Runs a `workspace/executeCommand` on the current buffer's DevFocus client.
local function execute(command, arguments, on_result)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  if not client then
    notify("the server is not running: open a file (it starts with the first file buffer)",
      vim.log.levels.WARN)
    return
  end
  client_request(client, "workspace/executeCommand", { command = command, arguments = arguments },
    function(err, result)
      if err then
        notify(("%s failed: %s"):format(command, err.message or vim.inspect(err)),
          vim.log.levels.ERROR)
      elseif on_result then
        on_result(result)
      end
    end, bufnr)
end

--- Pauses tracking in this editor (the statusline then says `Paused`).
function M.pause()
  execute(COMMANDS.pause, nil, function() notify("tracking paused") end)
end

--- Resumes tracking.
function M.resume()
  execute(COMMANDS.resume, nil, function() notify("tracking resumed") end)
end

--- Starts a focus block of `minutes` (default: the devfocus.focusBlock.minutes setting).
function M.focus_start(minutes)
  local arguments = minutes and { { minutes = minutes } } or nil
  execute(COMMANDS.focus_start, arguments, function(block)
    if type(block) == "table" and block.remainingSeconds then
      local ends = os.date("%H:%M", os.time() + math.floor(block.remainingSeconds))
      notify(("focus block started, until %s"):format(ends))
    end
  end)
end

-- JSON on several lines (the report object arrives decoded; this is for reading).
local function pretty_json(text)
  local out, indent, in_string, escaped = {}, 0, false, false
  local function newline() table.insert(out, "\n" .. string.rep("  ", indent)) end
  for char in text:gmatch(".") do
    if in_string then
      table.insert(out, char)
      if escaped then escaped = false
      elseif char == "\\" then escaped = true
      elseif char == '"' then in_string = false end
    elseif char == '"' then
      in_string = true
      table.insert(out, char)
    elseif char == "{" or char == "[" then
      indent = indent + 1
      table.insert(out, char)
      newline()
    elseif char == "}" or char == "]" then
      indent = indent - 1
      newline()
      table.insert(out, char)
    elseif char == "," then
      table.insert(out, char)
      newline()
    elseif char == ":" then
      table.insert(out, ": ")
    else
      table.insert(out, char)
    end
  end
  return table.concat(out)
end

local function show_report(result, period, fmt)
  local text = type(result) == "string" and result or pretty_json(vim.json.encode(result))
  local name = ("DevFocus report (%s, %s)"):format(period, fmt)
  local bufnr = reports[name]
  if not (bufnr and vim.api.nvim_buf_is_valid(bufnr)) then
    bufnr = vim.api.nvim_create_buf(false, true)
    reports[name] = bufnr
    vim.api.nvim_buf_set_name(bufnr, name)
    vim.bo[bufnr].bufhidden = "hide"
    vim.keymap.set("n", "q", "<cmd>close<cr>", { buffer = bufnr, nowait = true, silent = true })
  end
  vim.bo[bufnr].modifiable = true
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(text, "\n", { plain = true }))
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].modified = false
  vim.bo[bufnr].filetype = FILETYPES[fmt] or ""
  local window = vim.fn.bufwinid(bufnr)
  if window == -1 then
    vim.cmd("botright split")
    vim.api.nvim_win_set_buf(0, bufnr)
  else
    vim.api.nvim_set_current_win(window)
  end
  return bufnr
end

--- Shows the report of `opts.period` (default "today") in `opts.format` (default "markdown")
--- in a scratch buffer (`q` closes it).
function M.report(opts)
  opts = opts or {}
  local period, fmt = opts.period or "today", opts.format or "markdown"
  execute(COMMANDS.report, { { period = period, format = fmt } }, function(result)
    show_report(result, period, fmt)
  end)
end

local function report_command(args)
  local opts = {}
  for _, word in ipairs(args.fargs) do
    if vim.tbl_contains(M.periods, word) then
      opts.period = word
    elseif vim.tbl_contains(M.formats, word) then
      opts.format = word
    else
      notify(("%q is neither a period (%s) nor a format (%s)"):format(word,
        table.concat(M.periods, ", "), table.concat(M.formats, ", ")), vim.log.levels.ERROR)
      return
    end
  end
  M.report(opts)
end

local function complete_report(lead)
  local words = {}
  for _, word in ipairs(vim.list_extend(vim.deepcopy(M.periods), M.formats)) do
    if vim.startswith(word, lead) then table.insert(words, word) end
  end
  return words
end

local function create_commands()
  local command = vim.api.nvim_create_user_command
  command("DevFocusReport", report_command, {
    nargs = "*", complete = complete_report,
    desc = "DevFocus: show a report ([period] [format])",
  })
  command("DevFocusPause", M.pause, { desc = "DevFocus: pause tracking" })
  command("DevFocusResume", M.resume, { desc = "DevFocus: resume tracking" })
  command("DevFocusFocusStart", function(args)
    local minutes = args.args ~= "" and tonumber(args.args) or nil
    if args.args ~= "" and not minutes then
      notify(("%q is not a number of minutes"):format(args.args), vim.log.levels.ERROR)
      return
    end
    M.focus_start(minutes)
  end, { nargs = "?", desc = "DevFocus: start a focus block ([minutes])" })
end

--- The options in use (setup's, over the defaults).
function M.config()
  return config
end

--- Starts DevFocus for file buffers, now and from now on. `opts`: cmd, cmd_env, filetypes,
--- root_markers, root_dir, init_options, settings, on_attach, capabilities,
--- statusline_refresh_ms (see `:help devfocus-setup`).
function M.setup(opts)
  config = vim.tbl_extend("force", vim.deepcopy(defaults), opts or {})
  told_missing = false
  local group = vim.api.nvim_create_augroup("devfocus", { clear = true })
  if config.filetypes then
    vim.api.nvim_create_autocmd("FileType", {
      group = group, pattern = config.filetypes,
      callback = function(args) M.attach(args.buf) end,
    })
  else
    vim.api.nvim_create_autocmd("FileType", {
      group = group, callback = function(args) M.attach(args.buf) end,
    })
    -- Files with no filetype: once the read (and filetype detection) is over.
    vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
      group = group,
      callback = function(args) vim.schedule(function() M.attach(args.buf) end) end,
    })
  end
  create_commands()
  -- Buffers opened before setup (a plugin manager that loads this late).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then M.attach(bufnr) end
  end
end

return M
