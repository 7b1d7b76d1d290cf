-- How a `devfocus/status` notification reads in a statusline: the same texts as the VS Code
-- status item. Pure: no editor state, so any Lua can test it.
local M = {}

-- Longest context shown next to the timer; longer names are cut with an ellipsis.
M.CONTEXT_WIDTH = 24

-- JSON null arrives as vim.NIL: treat it as absent.
local function value(x)
  if x == vim.NIL then return nil end
  return x
end

--- A ticking clock: `4:07` under an hour, `1:02:07` from an hour on.
function M.clock(seconds)
  local total = math.max(0, math.floor(seconds))
  local h, m, s = math.floor(total / 3600), math.floor(total % 3600 / 60), total % 60
  if h > 0 then return ("%d:%02d:%02d"):format(h, m, s) end
  return ("%d:%02d"):format(m, s)
end

--- A duration for totals: `0m`, `45m`, `2h 05m`.
function M.duration(seconds)
  local minutes = math.max(0, math.floor((seconds or 0) / 60))
  local h, m = math.floor(minutes / 60), minutes % 60
  if h > 0 then return ("%dh %02dm"):format(h, m) end
  return ("%dm"):format(m)
end

--- What names the work next to the timer: the task, else the branch, else the project.
function M.context(status)
  local task, context = value(status.task), value(status.context)
  local label = (task and value(task.label))
    or (context and (value(context.branch) or value(context.project)))
  if not label or label == "" then return nil end
  if vim.fn.strchars(label) > M.CONTEXT_WIDTH then
    label = vim.fn.strcharpart(label, 0, M.CONTEXT_WIDTH - 1) .. "…"
  end
  return label
end

--- "focus" (a running focus block), "deep", "active", "paused" or "idle".
function M.look(status)
  if value(status.focusBlock) and status.state ~= "paused" then return "focus" end
  if status.state == "active" then return value(status.deepWork) and "deep" or "active" end
  return status.state == "paused" and "paused" or "idle"
end

--- Whether the text changes every second (a running session or focus block).
function M.ticking(status)
  local look = M.look(status)
  return look == "focus" or look == "active" or look == "deep"
end

--- The statusline text of `status`, `elapsed` seconds after it arrived: `4:07 · main`,
--- `12:03 focus · main`, `Paused` or `1h 05m today`.
function M.text(status, elapsed)
  local look, context = M.look(status), M.context(status)
  local text
  if look == "focus" then
    local left = (value(status.focusBlock.remainingSeconds) or 0) - elapsed
    text = M.clock(math.ceil(left)) .. " focus"
  elseif look == "active" or look == "deep" then
    text = M.clock((value(status.sessionSeconds) or 0) + elapsed)
  elseif look == "paused" then
    return "Paused"
  else
    return M.duration(value(status.todaySeconds)) .. " today"
  end
  return context and (text .. " · " .. context) or text
end

return M
