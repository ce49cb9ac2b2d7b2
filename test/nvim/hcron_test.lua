-- Headless Neovim against the hcron language server (adapted from
-- /work/shared/recipes/lsp-clients/nvim_test.lua).
-- usage: nvim --headless --clean -n -c "luafile hcron_test.lua" -- TEMPLATE CALLER OUT.json
--   TEMPLATE  events/failover/email_target_template of the seed tree (symlinked by 3 links)
--   CALLER    events/regular_bob (failover_event=/failover/bob@abc.xyz)
-- Checks: diagnostics on the template, hover on its notify_message showing
-- the mail for the caller, definition from the caller's failover_event piece
-- through the symlink to the template file. Exits 0 on success, 1 on failure.
local argv = vim.v.argv
local template = vim.fn.fnamemodify(argv[#argv - 2], ':p')
local caller = vim.fn.fnamemodify(argv[#argv - 1], ':p')
local out = argv[#argv]
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local server = vim.fn.fnamemodify(here .. '/../../bin/hcron-language-server', ':p')

local function finish(ok, res)
  local f = io.open(out, 'w'); f:write(vim.fn.json_encode(res)); f:close()
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end
local function clients() return (vim.lsp.get_clients or vim.lsp.get_active_clients)() end

local ok, err = pcall(function()
  vim.lsp.set_log_level('WARN')
  -- hcron event files have no extension: match on the path (below a folder named events)
  vim.cmd([[autocmd BufNewFile,BufRead */events/* set filetype=hcron]])
  -- root: the folder holding .hcron (finddir(';') works on 0.7)
  local function root_of(path)
    local m = vim.fn.finddir('.hcron', vim.fn.fnamemodify(path, ':h') .. ';')
    return m ~= '' and vim.fn.fnamemodify(m, ':p:h:h') or vim.fn.fnamemodify(path, ':h')
  end
  local cfg = { name = 'hcron', cmd = { 'node', server, '--stdio' } }
  vim.api.nvim_create_autocmd('FileType', { pattern = 'hcron', callback = function(a)
    cfg.root_dir = root_of(vim.api.nvim_buf_get_name(a.buf))
    if vim.lsp.start then vim.lsp.start(cfg, { bufnr = a.buf })   -- 0.8+
    else                                                          -- 0.7: start_client + attach
      _G.hcron_id = _G.hcron_id or vim.lsp.start_client(cfg)
      vim.lsp.buf_attach_client(a.buf, _G.hcron_id)
    end
  end })

  local function req(buf, method, line, character)
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
    local r, e = vim.lsp.buf_request_sync(buf, method, params, 10000)
    assert(r, 'request failed: ' .. method .. ' ' .. tostring(e))
    for _, v in pairs(r) do assert(not v.error, vim.inspect(v.error)); return v.result end
    error('no response for ' .. method)
  end

  -- 1. the template: diagnostics
  vim.cmd('edit ' .. vim.fn.fnameescape(template))
  local tbuf = vim.api.nvim_get_current_buf()
  assert(vim.bo[tbuf].filetype == 'hcron', 'filetype=' .. vim.bo[tbuf].filetype)
  local function codes(buf)
    local c = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      c[#c + 1] = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    end
    return c
  end
  local function has(buf, code)
    for _, c in ipairs(codes(buf)) do if c == code then return true end end
    return false
  end
  assert(vim.wait(20000, function() return has(tbuf, 'symlinked-template') and has(tbuf, 'template') end, 20),
    'no template diagnostics: ' .. vim.inspect(vim.diagnostic.get(tbuf)))
  local diags = {}
  for _, d in ipairs(vim.diagnostic.get(tbuf)) do
    diags[#diags + 1] = { line = d.lnum, severity = d.severity, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), message = d.message }
  end

  -- 2. hover on notify_message (line 5, 0-based 4)
  local lines = vim.api.nvim_buf_get_lines(tbuf, 0, -1, false)
  local nl
  for i, l in ipairs(lines) do if l:match('^notify_message=') then nl = i - 1 end end
  assert(nl, 'no notify_message line')
  local hover = req(tbuf, 'textDocument/hover', nl, 3)
  local htext = hover and (hover.contents.value or hover.contents) or ''
  assert(htext:find('Failed event (/regular_bob)', 1, true), 'hover lacks the caller: ' .. htext)

  -- 3. the caller: definition from the failover_event piece through the symlink
  vim.cmd('edit ' .. vim.fn.fnameescape(caller))
  local cbuf = vim.api.nvim_get_current_buf()
  assert(vim.wait(10000, function() return #vim.lsp.buf_get_clients(cbuf) > 0 end, 10), 'client not attached to the caller')
  local cl
  for i, l in ipairs(vim.api.nvim_buf_get_lines(cbuf, 0, -1, false)) do if l:match('^failover_event=') then cl = i - 1 end end
  assert(cl, 'no failover_event line')
  local def = req(cbuf, 'textDocument/definition', cl, #'failover_event=/failover/bo')
  if def[1] then def = def[1] end
  assert(def.uri and vim.uri_to_fname(def.uri):match('/failover/email_target_template$'), 'definition: ' .. vim.inspect(def))

  local client = clients()[1]
  _G.result = {
    nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch),
    root = client.config.root_dir, server = client.server_info or vim.NIL,
    diagnostics = diags, hover = htext, definition = def,
  }
end)
if ok then
  vim.lsp.stop_client(clients())   -- clean shutdown (shutdown + exit)
  vim.wait(3000, function() return #clients() == 0 end, 10)
  finish(true, _G.result)
else finish(false, { error = tostring(err) }) end
