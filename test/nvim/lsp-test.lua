-- The language server in a real Neovim (Debian neovim 0.7.x), headless:
--
--   SERVER=dist/server.js FILE=e2e/fixtures/insecure-hub.json \
--     nvim --headless --clean -n -i NONE -c 'luafile test/nvim/lsp-test.lua'
--
-- Opens FILE, waits for the NS-2 publicNetworkAccess diagnostic, asks the server for code actions on it,
-- applies the quick fix's workspace edit to the buffer (Neovim sends didChange by itself), and waits for that
-- diagnostic to go while the DP-3 one stays. Prints `PASS <file> ...` and quits 0, or `FAIL <file>: why` and
-- quits 1 (`cquit 1`). test/nvim/run.sh runs it per fixture and counts. Waits are vim.wait on conditions.
--
-- Optional: RULE (default iothub-disable-public-network-access), FIX_TITLE (default the NS-2 fix title),
-- FIXED (text the fixed line must contain), KEEP (rule id whose diagnostic must survive the fix),
-- WAIT_MS (default 15000).

local server = os.getenv('SERVER')
local file = os.getenv('FILE')
local rule = os.getenv('RULE') or 'iothub-disable-public-network-access'
local fix_title = os.getenv('FIX_TITLE') or "Set publicNetworkAccess to 'Disabled'"
local keep = os.getenv('KEEP') or 'iothub-min-tls-1-2'
local wait_ms = tonumber(os.getenv('WAIT_MS') or '15000')
local source = 'iothub-baseline'
local t0 = vim.loop.hrtime()
local function ms()
  return math.floor((vim.loop.hrtime() - t0) / 1e6)
end
local name = file and vim.fn.fnamemodify(file, ':t') or '?'

local function out(line)
  io.stdout:write(line .. '\n')
end

local function fail(msg)
  out(string.format('FAIL %s: %s (after %d ms)', name, msg, ms()))
  vim.cmd('cquit 1')
end

local function run()
  if not server or not file then
    return fail('set SERVER (path to dist/server.js) and FILE')
  end
  if vim.fn.filereadable(server) == 0 then
    return fail('no server at ' .. server)
  end
  local fixed = os.getenv('FIXED')
    or (file:match('%.bicep$') and "publicNetworkAccess: 'Disabled'" or '"publicNetworkAccess": "Disabled"')

  -- Without the Bicep extension Neovim has no bicep filetype; the filetype is the LSP languageId.
  vim.cmd('autocmd BufRead,BufNewFile *.bicep setfiletype bicep')
  vim.cmd('autocmd BufRead,BufNewFile *.bicepparam setfiletype bicep-params')

  local exited
  local client_id = vim.lsp.start_client({
    name = 'iothub-baseline',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    on_exit = function(code, signal)
      exited = string.format('server exited (code %s, signal %s)', code, signal)
    end,
  })
  if not client_id then
    return fail('the client did not start')
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)

  local function ours(code)
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if d.source == source and (code == nil or c == code) then
        table.insert(found, d)
      end
    end
    return found
  end

  if not vim.wait(wait_ms, function() return exited or #ours(rule) > 0 end, 20) then
    return fail('no ' .. rule .. ' diagnostic within ' .. wait_ms .. ' ms')
  end
  if exited then
    return fail(exited)
  end
  local t_diag = ms()
  local d = ours(rule)[1]
  if not d.message:match('^NS%-2: ') then
    return fail('message does not start with the control id: ' .. d.message)
  end
  if #ours(keep) == 0 then
    return fail('no ' .. keep .. ' diagnostic next to the ' .. rule .. ' one')
  end

  -- The diagnostic as the server sent it (range, code, data), for the code action context.
  local lsp_diag
  for _, ld in ipairs(vim.lsp.diagnostic.get_line_diagnostics(buf, d.lnum, {}, client_id)) do
    if ld.code == rule then
      lsp_diag = ld
    end
  end
  if not lsp_diag then
    return fail('cannot map the diagnostic back to LSP')
  end
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag } },
  }
  local res, err = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 5000)
  if not res then
    return fail('codeAction request failed: ' .. tostring(err))
  end
  local action
  local titles = {}
  for _, r in pairs(res) do
    if r.error then
      return fail('codeAction error: ' .. vim.inspect(r.error))
    end
    for _, a in ipairs(r.result or {}) do
      table.insert(titles, a.title)
      if not action and a.title:sub(1, #fix_title) == fix_title then
        action = a
      end
    end
  end
  if not action then
    return fail('no code action titled "' .. fix_title .. '..." (got: ' .. table.concat(titles, ' | ') .. ')')
  end
  if not action.edit then
    return fail('the code action has no workspace edit')
  end
  local t_action = ms()
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
  local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1] or ''
  if not line:find(fixed, 1, true) then
    return fail('after the fix, line ' .. (d.lnum + 1) .. ' is `' .. line .. '`, expected it to contain `' .. fixed .. '`')
  end

  if not vim.wait(wait_ms, function() return exited or #ours(rule) == 0 end, 20) then
    return fail('the ' .. rule .. ' diagnostic did not clear within ' .. wait_ms .. ' ms after the fix')
  end
  if exited then
    return fail(exited)
  end
  if #ours(keep) == 0 then
    return fail('the ' .. keep .. ' diagnostic went away together with the fixed one')
  end
  out(string.format('PASS %s: diagnostic at %d ms, code action "%s" at %d ms, cleared at %d ms',
    name, t_diag, action.title, t_action, ms()))
  vim.lsp.stop_client(client_id)
  vim.cmd('qall!')
end

local ok, e = pcall(run)
if not ok then
  fail('error: ' .. tostring(e))
end
