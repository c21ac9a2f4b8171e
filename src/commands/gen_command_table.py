#!/usr/bin/python3
"""Turns the command definitions in src/commands/defs/*.json into C++ tables.

Run by CMake at build time (standard library only), with the definition files
(or --defs-dir DIR) as input. Two outputs, each from its own invocation so that
each lands in the library that compiles it:

  --commands-out FILE   commands_gen.cc for osprey_commands: every CommandDef,
                        KeySpec, CommandArg and HistoryEntry as constants, and
                        generated::kTopLevel/kAll (see commands/generated.h).
  --handlers-out FILE   handlers_gen.cc for osprey_server: declares every
                        handler and defines generated::kHandlers by id.
  --list-handlers       prints "fullname handler" lines and exits.

The definitions are validated strictly: an unknown field, a misspelt flag, a
duplicate name or a dangling container stops the build with a message naming
the file and the field.

Facts derived here, exactly as Redis 7.0 derives them at start-up:
  - ACL categories implied by the command flags (setImplicitACLCategories);
  - the legacy (first, last, step) triple and the movablekeys flag from the key
    specs (populateCommandLegacyRangeSpec).

Ids: top-level commands sorted by name, each followed by its subcommands sorted
by name. kAll and kHandlers are indexed by id.
"""

import argparse
import glob
import json
import os
import re
import sys

# ----------------------------------------------------------------------------
# Vocabulary (the spelling Redis's command JSON uses) -> our C++ names.

COMMAND_FLAGS = {
    'WRITE': 'kCmdWrite', 'READONLY': 'kCmdReadonly', 'DENYOOM': 'kCmdDenyOom',
    'MODULE': 'kCmdModule', 'ADMIN': 'kCmdAdmin', 'PUBSUB': 'kCmdPubsub',
    'NOSCRIPT': 'kCmdNoScript', 'BLOCKING': 'kCmdBlocking', 'LOADING': 'kCmdLoading',
    'STALE': 'kCmdStale', 'SKIP_MONITOR': 'kCmdSkipMonitor', 'SKIP_SLOWLOG': 'kCmdSkipSlowlog',
    'ASKING': 'kCmdAsking', 'FAST': 'kCmdFast', 'NO_AUTH': 'kCmdNoAuth',
    'MAY_REPLICATE': 'kCmdMayReplicate', 'SENTINEL': 'kCmdSentinel',
    'ONLY_SENTINEL': 'kCmdOnlySentinel', 'NO_MANDATORY_KEYS': 'kCmdNoMandatoryKeys',
    'PROTECTED': 'kCmdProtected', 'NO_ASYNC_LOADING': 'kCmdNoAsyncLoading',
    'NO_MULTI': 'kCmdNoMulti', 'ALLOW_BUSY': 'kCmdAllowBusy',
    'TOUCHES_ARBITRARY_KEYS': 'kCmdTouchesArbitraryKeys',
}
# MOVABLE_KEYS is not accepted in a definition: it is derived from the key specs.

ACL_CATEGORIES = {
    'KEYSPACE': 'kAclKeyspace', 'READ': 'kAclRead', 'WRITE': 'kAclWrite', 'SET': 'kAclSet',
    'SORTEDSET': 'kAclSortedSet', 'LIST': 'kAclList', 'HASH': 'kAclHash',
    'STRING': 'kAclString', 'BITMAP': 'kAclBitmap', 'HYPERLOGLOG': 'kAclHyperLogLog',
    'GEO': 'kAclGeo', 'STREAM': 'kAclStream', 'PUBSUB': 'kAclPubsub', 'ADMIN': 'kAclAdmin',
    'FAST': 'kAclFast', 'SLOW': 'kAclSlow', 'BLOCKING': 'kAclBlocking',
    'DANGEROUS': 'kAclDangerous', 'CONNECTION': 'kAclConnection',
    'TRANSACTION': 'kAclTransaction', 'SCRIPTING': 'kAclScripting',
}

KEY_SPEC_FLAGS = {
    'RO': 'kKeyRO', 'RW': 'kKeyRW', 'OW': 'kKeyOW', 'RM': 'kKeyRM', 'ACCESS': 'kKeyAccess',
    'UPDATE': 'kKeyUpdate', 'INSERT': 'kKeyInsert', 'DELETE': 'kKeyDelete',
    'NOT_KEY': 'kKeyNotKey', 'INCOMPLETE': 'kKeyIncomplete',
    'VARIABLE_FLAGS': 'kKeyVariableFlags',
}

DOC_FLAGS = {'DEPRECATED': 'kDocDeprecated', 'SYSCMD': 'kDocSyscmd'}

GROUPS = {
    'generic': 'kGeneric', 'string': 'kString', 'list': 'kList', 'set': 'kSet',
    'sorted-set': 'kSortedSet', 'hash': 'kHash', 'pubsub': 'kPubsub',
    'transactions': 'kTransactions', 'connection': 'kConnection', 'server': 'kServer',
    'scripting': 'kScripting', 'hyperloglog': 'kHyperLogLog', 'cluster': 'kCluster',
    'sentinel': 'kSentinel', 'geo': 'kGeo', 'stream': 'kStream', 'bitmap': 'kBitmap',
    'module': 'kModule',
}

ARG_TYPES = {
    'string': 'kString', 'integer': 'kInteger', 'double': 'kDouble', 'key': 'kKey',
    'pattern': 'kPattern', 'unix-time': 'kUnixTime', 'pure-token': 'kPureToken',
    'oneof': 'kOneOf', 'block': 'kBlock',
}
ARG_BOOL_FLAGS = {'optional': 'kArgOptional', 'multiple': 'kArgMultiple',
                  'multiple_token': 'kArgMultipleToken'}

COMMAND_FIELDS = {
    'summary', 'container', 'complexity', 'group', 'since', 'arity', 'function',
    'get_keys_function', 'history', 'deprecated_since', 'replaced_by', 'doc_flags',
    'command_flags', 'acl_categories', 'command_tips', 'key_specs', 'arguments',
}
ARG_FIELDS = {'name', 'type', 'key_spec_index', 'token', 'summary', 'since', 'optional',
              'multiple', 'multiple_token', 'deprecated_since', 'arguments'}
KEY_SPEC_FIELDS = {'notes', 'flags', 'begin_search', 'find_keys'}

QUALIFIED_NAME = re.compile(r'^(?:[A-Za-z_][A-Za-z0-9_]*::)+([A-Za-z_][A-Za-z0-9_]*)$')
VERSION = re.compile(r'^\d+\.\d+\.\d+$')
# The first line of a handler definition, as our style writes it:
#   void GetCommand(commands::CommandContext& ctx) {
HANDLER_DEFINITION = re.compile(
    r'^\s*void\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?:(?:::)?osprey::)?(?:commands::)?'
    r'CommandContext\s*&\s*[A-Za-z_0-9]*\s*\)\s*\{', re.MULTILINE)


class DefinitionError(Exception):
    pass


# ----------------------------------------------------------------------------
# Loading and validation


def _reject_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DefinitionError(f"duplicate field '{key}'")
        seen[key] = value
    return seen


class Where:
    """A path into a definition, for error messages: 'get.json: GET.arguments[0].type'."""

    def __init__(self, text):
        self.text = text

    def __truediv__(self, part):
        return Where(f'{self.text}[{part}]' if isinstance(part, int) else f'{self.text}.{part}')

    def fail(self, message):
        raise DefinitionError(f'{self.text}: {message}')


def _expect(value, kind, where):
    ok = {
        'str': lambda v: isinstance(v, str) and v != '',
        'int': lambda v: isinstance(v, int) and not isinstance(v, bool),
        'bool': lambda v: isinstance(v, bool),
        'list': lambda v: isinstance(v, list),
        'object': lambda v: isinstance(v, dict),
    }[kind](value)
    if not ok:
        where.fail(f'expected {"a non-empty string" if kind == "str" else "a " + kind}, '
                   f'got {json.dumps(value)}')
    return value


def _check_fields(obj, allowed, where, required=()):
    for field in obj:
        if field not in allowed:
            where.fail(f"unknown field '{field}' (allowed: {', '.join(sorted(allowed))})")
    for field in required:
        if field not in obj:
            where.fail(f"missing field '{field}'")


def _check_names(values, vocabulary, where, what):
    _expect(values, 'list', where)
    seen = set()
    for i, v in enumerate(values):
        _expect(v, 'str', where / i)
        if v not in vocabulary:
            (where / i).fail(f"unknown {what} '{v}' (known: {', '.join(sorted(vocabulary))})")
        if v in seen:
            (where / i).fail(f"{what} '{v}' given twice")
        seen.add(v)
    return values


def _check_version(value, where):
    _expect(value, 'str', where)
    if not VERSION.match(value):
        where.fail(f"'{value}' is not a version like 7.0.0")
    return value


def _check_only_one(obj, choices, where):
    _expect(obj, 'object', where)
    keys = list(obj)
    if len(keys) != 1 or keys[0] not in choices:
        where.fail(f"expected exactly one of {', '.join(choices)}")
    return keys[0], obj[keys[0]]


def _check_key_spec(spec, where):
    _expect(spec, 'object', where)
    _check_fields(spec, KEY_SPEC_FIELDS, where, required=('flags', 'begin_search', 'find_keys'))
    if 'notes' in spec:
        _expect(spec['notes'], 'str', where / 'notes')
    _check_names(spec['flags'], KEY_SPEC_FLAGS, where / 'flags', 'key spec flag')
    kind, body = _check_only_one(spec['begin_search'], ('index', 'keyword', 'unknown'),
                                 where / 'begin_search')
    bs_where = where / 'begin_search' / kind
    if kind == 'index':
        _expect(body, 'object', bs_where)
        _check_fields(body, {'pos'}, bs_where, required=('pos',))
        if _expect(body['pos'], 'int', bs_where / 'pos') < 1:
            (bs_where / 'pos').fail('must be at least 1')
    elif kind == 'keyword':
        _expect(body, 'object', bs_where)
        _check_fields(body, {'keyword', 'startfrom'}, bs_where, required=('keyword', 'startfrom'))
        _expect(body['keyword'], 'str', bs_where / 'keyword')
        if _expect(body['startfrom'], 'int', bs_where / 'startfrom') == 0:
            (bs_where / 'startfrom').fail('must not be 0')
    elif body is not None:
        bs_where.fail('must be null')
    kind, body = _check_only_one(spec['find_keys'], ('range', 'keynum', 'unknown'),
                                 where / 'find_keys')
    fk_where = where / 'find_keys' / kind
    if kind == 'range':
        _expect(body, 'object', fk_where)
        _check_fields(body, {'lastkey', 'step', 'limit'}, fk_where,
                      required=('lastkey', 'step', 'limit'))
        for f in ('lastkey', 'step', 'limit'):
            _expect(body[f], 'int', fk_where / f)
        if body['step'] < 1:
            (fk_where / 'step').fail('must be at least 1')
        if body['limit'] < 0 or (body['limit'] > 0 and body['lastkey'] != -1):
            (fk_where / 'limit').fail('a limit needs lastkey -1 and must not be negative')
    elif kind == 'keynum':
        _expect(body, 'object', fk_where)
        _check_fields(body, {'keynumidx', 'firstkey', 'step'}, fk_where,
                      required=('keynumidx', 'firstkey', 'step'))
        for f in ('keynumidx', 'firstkey', 'step'):
            if _expect(body[f], 'int', fk_where / f) < 0:
                (fk_where / f).fail('must not be negative')
        if body['step'] < 1:
            (fk_where / 'step').fail('must be at least 1')
    elif body is not None:
        fk_where.fail('must be null')


def _check_argument(arg, num_key_specs, where):
    _expect(arg, 'object', where)
    _check_fields(arg, ARG_FIELDS, where, required=('name', 'type'))
    _expect(arg['name'], 'str', where / 'name')
    _expect(arg['type'], 'str', where / 'type')
    if arg['type'] not in ARG_TYPES:
        (where / 'type').fail(f"unknown argument type '{arg['type']}' "
                              f"(known: {', '.join(sorted(ARG_TYPES))})")
    for f in ('token', 'summary'):
        if f in arg:
            _expect(arg[f], 'str', where / f)
    for f in ('since', 'deprecated_since'):
        if f in arg:
            _check_version(arg[f], where / f)
    for f in ARG_BOOL_FLAGS:
        if f in arg and _expect(arg[f], 'bool', where / f) is not True:
            (where / f).fail('write true or leave the field out')
    if arg['type'] == 'key':
        if 'key_spec_index' not in arg:
            where.fail("a 'key' argument needs a key_spec_index")
    if 'key_spec_index' in arg:
        index = _expect(arg['key_spec_index'], 'int', where / 'key_spec_index')
        if not 0 <= index < num_key_specs:
            (where / 'key_spec_index').fail(f'no key spec {index} (the command has '
                                            f'{num_key_specs})')
    if arg['type'] == 'pure-token' and 'token' not in arg:
        where.fail("a 'pure-token' argument needs a token")
    nested = arg['type'] in ('oneof', 'block')
    if nested != ('arguments' in arg):
        where.fail("'oneof' and 'block' arguments, and only they, have nested arguments")
    if nested:
        subs = _expect(arg['arguments'], 'list', where / 'arguments')
        if not subs:
            (where / 'arguments').fail('must not be empty')
        for i, sub in enumerate(subs):
            _check_argument(sub, num_key_specs, where / 'arguments' / i)


def _check_command(name, body, where):
    _expect(body, 'object', where)
    _check_fields(body, COMMAND_FIELDS, where, required=('summary', 'group', 'since', 'arity'))
    for f in ('summary', 'complexity', 'replaced_by'):
        if f in body:
            _expect(body[f], 'str', where / f)
    if body['group'] not in GROUPS:
        (where / 'group').fail(f"unknown group '{body['group']}'")
    _check_version(body['since'], where / 'since')
    if 'deprecated_since' in body:
        _check_version(body['deprecated_since'], where / 'deprecated_since')
    if _expect(body['arity'], 'int', where / 'arity') == 0:
        (where / 'arity').fail('must not be 0')
    if 'container' in body:
        _expect(body['container'], 'str', where / 'container')
    for f in ('function', 'get_keys_function'):
        if f in body:
            _expect(body[f], 'str', where / f)
            if not QUALIFIED_NAME.match(body[f]):
                (where / f).fail(f"'{body[f]}' is not a namespace-qualified C++ name")
    if 'history' in body:
        entries = _expect(body['history'], 'list', where / 'history')
        for i, entry in enumerate(entries):
            if not (isinstance(entry, list) and len(entry) == 2):
                (where / 'history' / i).fail('expected [version, description]')
            _check_version(entry[0], where / 'history' / i)
            _expect(entry[1], 'str', where / 'history' / i)
    if 'doc_flags' in body:
        _check_names(body['doc_flags'], DOC_FLAGS, where / 'doc_flags', 'doc flag')
    if 'command_flags' in body:
        _check_names(body['command_flags'], COMMAND_FLAGS, where / 'command_flags',
                     'command flag')
    if 'acl_categories' in body:
        _check_names(body['acl_categories'], ACL_CATEGORIES, where / 'acl_categories',
                     'ACL category')
    if 'command_tips' in body:
        tips = _expect(body['command_tips'], 'list', where / 'command_tips')
        for i, tip in enumerate(tips):
            _expect(tip, 'str', where / 'command_tips' / i)
    specs = body.get('key_specs', [])
    _expect(specs, 'list', where / 'key_specs')
    for i, spec in enumerate(specs):
        _check_key_spec(spec, where / 'key_specs' / i)
    args = body.get('arguments', [])
    _expect(args, 'list', where / 'arguments')
    for i, arg in enumerate(args):
        _check_argument(arg, len(specs), where / 'arguments' / i)


class Command:
    def __init__(self, name, body, path):
        self.name = name.lower()
        self.body = body
        self.path = path
        self.container = body.get('container', '').lower() or None
        self.fullname = f'{self.container}|{self.name}' if self.container else self.name
        self.subcommands = []
        self.parent = None
        self.id = None


def load_definitions(paths):
    paths = sorted(paths, key=os.path.basename)
    if not paths:
        raise DefinitionError('no *.json definitions given')
    commands = {}
    for path in paths:
        base = os.path.basename(path)
        try:
            with open(path, encoding='utf-8') as f:
                doc = json.load(f, object_pairs_hook=_reject_duplicate_keys)
        except (ValueError, DefinitionError) as e:
            raise DefinitionError(f'{base}: {e}') from None
        if not isinstance(doc, dict) or len(doc) != 1:
            raise DefinitionError(f'{base}: expected one object {{"NAME": {{...}}}}')
        (name, body), = doc.items()
        if not re.match(r'^[A-Za-z][A-Za-z0-9_-]*$', name):
            raise DefinitionError(f"{base}: '{name}' is not a command name")
        _check_command(name, body, Where(f'{base}: {name}'))
        cmd = Command(name, body, base)
        expected = cmd.fullname.replace('|', '-') + '.json'
        if base != expected:
            raise DefinitionError(f'{base}: {cmd.fullname} belongs in {expected}')
        if cmd.fullname in commands:
            raise DefinitionError(f'{base}: {cmd.fullname} is also defined in '
                                  f'{commands[cmd.fullname].path}')
        commands[cmd.fullname] = cmd
    return link_commands(commands)


def link_commands(commands):
    top = sorted((c for c in commands.values() if not c.container), key=lambda c: c.name)
    for cmd in commands.values():
        if cmd.container:
            parent = commands.get(cmd.container)
            if parent is None:
                raise DefinitionError(f"{cmd.path}: container '{cmd.container}' is not defined")
            if parent.container:
                raise DefinitionError(f'{cmd.path}: {parent.fullname} is itself a subcommand')
            cmd.parent = parent
            parent.subcommands.append(cmd)
    ordered = []
    for cmd in top:
        cmd.subcommands.sort(key=lambda c: c.name)
        for c in [cmd] + cmd.subcommands:
            c.id = len(ordered)
            ordered.append(c)
    handlers = {}
    for cmd in ordered:
        fn = cmd.body.get('function')
        if fn is None and not cmd.subcommands:
            raise DefinitionError(f"{cmd.path}: missing field 'function' (only containers "
                                  'may go without a handler)')
        if fn is not None:
            if fn in handlers:
                raise DefinitionError(f'{cmd.path}: handler {fn} is also used by '
                                      f'{handlers[fn].path}')
            handlers[fn] = cmd
        if cmd.subcommands and (cmd.body.get('key_specs') or cmd.body.get('arguments')):
            raise DefinitionError(f'{cmd.path}: a container has no arguments or key specs')
    return ordered


# ----------------------------------------------------------------------------
# Derived facts


def implicit_acl_categories(flags, categories):
    """ACL categories Redis adds from the flags (setImplicitACLCategories)."""
    cats = set(categories)
    if 'WRITE' in flags:
        cats.add('WRITE')
    if 'READONLY' in flags and 'SCRIPTING' not in cats:  # scripts are not @read
        cats.add('READ')
    if 'ADMIN' in flags:
        cats |= {'ADMIN', 'DANGEROUS'}
    if 'PUBSUB' in flags:
        cats.add('PUBSUB')
    if 'FAST' in flags:
        cats.add('FAST')
    if 'BLOCKING' in flags:
        cats.add('BLOCKING')
    if 'FAST' not in cats:
        cats.add('SLOW')
    return cats


def _u32(v):
    return v & 0xffffffff


def _s32(v):
    v &= 0xffffffff
    return v - (1 << 32) if v & 0x80000000 else v


def legacy_range(specs):
    """(first, last, step, movablekeys) as COMMAND INFO shows them.

    Follows Redis: one index+range spec is used as it is; otherwise the
    index+range specs with step 1 that follow each other are glued into one
    range, and anything that cannot be glued makes the keys "movable".
    `last` is absolute when non-negative, or counts from the end when negative.
    """
    if not specs:
        return 0, 0, 0, False

    def is_range(s):
        return 'index' in s['begin_search'] and 'range' in s['find_keys']

    if len(specs) == 1 and is_range(specs[0]):
        s = specs[0]
        pos, r = s['begin_search']['index']['pos'], s['find_keys']['range']
        last = r['lastkey'] + pos if r['lastkey'] >= 0 else r['lastkey']
        return pos, last, r['step'], 'INCOMPLETE' in s['flags']
    movable = False
    first, last, prev_last = None, 0, 0
    for s in specs:
        if not is_range(s):
            movable = True
            continue
        pos, r = s['begin_search']['index']['pos'], s['find_keys']['range']
        if r['step'] != 1 or (prev_last and prev_last != pos - 1):
            movable = True
            continue
        if 'INCOMPLETE' in s['flags']:
            movable = True
        first = pos if first is None else min(first, pos)
        abs_last = r['lastkey'] + pos if r['lastkey'] >= 0 else r['lastkey']
        # Compared as unsigned, so a negative (from-the-end) last key wins.
        last = _s32(max(_u32(last), _u32(abs_last)))
        prev_last = last
    if first is None:
        return 0, 0, 0, True
    return first, last, 1, movable


# ----------------------------------------------------------------------------
# C++ output


def c_string(s):
    if s is None:
        return 'nullptr'
    out = []
    for ch in s.encode('utf-8'):
        c = chr(ch)
        if c in '"\\':
            out.append('\\' + c)
        elif 0x20 <= ch < 0x7f:
            out.append(c)
        else:
            out.append(f'\\{ch:03o}')
    return '"' + ''.join(out) + '"'


def bits(names, vocabulary, zero='0'):
    return ' | '.join(vocabulary[n] for n in names) if names else zero


HEADER = ('// Generated by src/commands/gen_command_table.py from src/commands/defs/*.json.\n'
          '// Do not edit: change the definitions instead.\n')


class TableWriter:
    def __init__(self, commands):
        self.commands = commands
        self.lines = []

    def emit(self, line=''):
        self.lines.append(line)

    def args(self, cmd, args, label):
        """Emits nested argument arrays first; returns the array's name."""
        entries = []
        for i, arg in enumerate(args):
            sub = None
            if 'arguments' in arg:
                sub = self.args(cmd, arg['arguments'], f'{label}_{i}')
            flags = [v for k, v in ARG_BOOL_FLAGS.items() if arg.get(k)]
            # Designated initializers in declaration order; defaults left out.
            fields = [f'.name = {c_string(arg["name"])}',
                      f'.type = ArgType::{ARG_TYPES[arg["type"]]}']
            if 'key_spec_index' in arg:
                fields.append(f'.key_spec_index = {arg["key_spec_index"]}')
            for f in ('token', 'summary', 'since'):
                if f in arg:
                    fields.append(f'.{f} = {c_string(arg[f])}')
            if flags:
                fields.append(f'.flags = {" | ".join(flags)}')
            if 'deprecated_since' in arg:
                fields.append(f'.deprecated_since = {c_string(arg["deprecated_since"])}')
            if sub:
                fields += [f'.subargs = {sub}', f'.num_subargs = {len(arg["arguments"])}']
            entries.append('    {' + ', '.join(fields) + '},')
        name = f'kArgs{cmd.id}{label}'
        self.emit(f'const CommandArg {name}[] = {{')
        self.lines.extend(entries)
        self.emit('};')
        return name

    def key_spec(self, spec):
        fields = [f'.notes = {c_string(spec["notes"])}'] if 'notes' in spec else []
        fields.append(f'.flags = {bits(spec["flags"], KEY_SPEC_FLAGS)}')
        (kind, body), = spec['begin_search'].items()
        if kind == 'index':
            fields += ['.begin_type = BeginSearchType::kIndex', f'.index_pos = {body["pos"]}']
        elif kind == 'keyword':
            fields += ['.begin_type = BeginSearchType::kKeyword',
                       f'.keyword = {c_string(body["keyword"])}',
                       f'.keyword_startfrom = {body["startfrom"]}']
        else:
            fields += ['.begin_type = BeginSearchType::kUnknown']
        (kind, body), = spec['find_keys'].items()
        if kind == 'range':
            fields += ['.find_type = FindKeysType::kRange', f'.range_lastkey = {body["lastkey"]}',
                       f'.range_keystep = {body["step"]}', f'.range_limit = {body["limit"]}']
        elif kind == 'keynum':
            fields += ['.find_type = FindKeysType::kKeynum',
                       f'.keynum_index = {body["keynumidx"]}',
                       f'.keynum_firstkey = {body["firstkey"]}',
                       f'.keynum_keystep = {body["step"]}']
        else:
            fields += ['.find_type = FindKeysType::kUnknown']
        return '    {' + ', '.join(fields) + '},'

    def command_parts(self, cmd):
        """Emits the arrays a CommandDef points to; returns their names."""
        b, parts = cmd.body, {}
        self.emit(f'// {cmd.fullname} ({cmd.path})')
        if b.get('history'):
            parts['history'] = f'kHistory{cmd.id}'
            self.emit(f'const HistoryEntry kHistory{cmd.id}[] = {{')
            for version, text in b['history']:
                self.emit(f'    {{{c_string(version)}, {c_string(text)}}},')
            self.emit('};')
        if b.get('command_tips'):
            parts['tips'] = f'kTips{cmd.id}'
            # COMMAND INFO shows tips in lower case, as Redis does.
            tips = ', '.join(c_string(t.lower()) for t in b['command_tips'])
            self.emit(f'const char* const kTips{cmd.id}[] = {{{tips}}};')
        if b.get('key_specs'):
            parts['key_specs'] = f'kKeySpecs{cmd.id}'
            self.emit(f'const KeySpec kKeySpecs{cmd.id}[] = {{')
            for spec in b['key_specs']:
                self.emit(self.key_spec(spec))
            self.emit('};')
        if b.get('arguments'):
            parts['args'] = self.args(cmd, b['arguments'], '')
        if cmd.subcommands:
            parts['subcommands'] = f'kSubcommands{cmd.id}'
            subs = ', '.join(f'&kDefs[{s.id}]' for s in cmd.subcommands)
            self.emit(f'const CommandDef* const kSubcommands{cmd.id}[] = {{{subs}}};')
        self.emit()
        return parts

    def command_def(self, cmd, parts):
        b = cmd.body
        flags = list(b.get('command_flags', []))
        first, last, step, movable = legacy_range(b.get('key_specs', []))
        flag_expr = bits(flags, COMMAND_FLAGS) + (' | kCmdMovableKeys' if movable else '')
        if not flags and movable:
            flag_expr = 'kCmdMovableKeys'
        cats = implicit_acl_categories(flags, b.get('acl_categories', []))
        cats = [c for c in ACL_CATEGORIES if c in cats]  # declaration order
        n = {k: len(b.get(k, [])) for k in ('history', 'command_tips', 'key_specs', 'arguments')}
        get_keys = b.get('get_keys_function')
        fields = [
            f'.id = {cmd.id}',
            f'.name = {c_string(cmd.name)}',
            f'.fullname = {c_string(cmd.fullname)}',
            f'.parent = {f"&kDefs[{cmd.parent.id}]" if cmd.parent else "nullptr"}',
            f'.arity = {b["arity"]}',
            f'.flags = {flag_expr}',
            f'.acl_categories = {bits(cats, ACL_CATEGORIES)}',
            f'.group = CommandGroup::{GROUPS[b["group"]]}',
            f'.summary = {c_string(b.get("summary"))}',
            f'.since = {c_string(b.get("since"))}',
            f'.complexity = {c_string(b.get("complexity"))}',
            f'.doc_flags = {bits(b.get("doc_flags", []), DOC_FLAGS)}',
            f'.deprecated_since = {c_string(b.get("deprecated_since"))}',
            f'.replaced_by = {c_string(b.get("replaced_by"))}',
            f'.history = {parts.get("history", "nullptr")}',
            f'.num_history = {n["history"]}',
            f'.tips = {parts.get("tips", "nullptr")}',
            f'.num_tips = {n["command_tips"]}',
            f'.key_specs = {parts.get("key_specs", "nullptr")}',
            f'.num_key_specs = {n["key_specs"]}',
            f'.legacy_first = {first}',
            f'.legacy_last = {last}',
            f'.legacy_step = {step}',
            f'.args = {parts.get("args", "nullptr")}',
            f'.num_args = {n["arguments"]}',
            f'.subcommands = {parts.get("subcommands", "nullptr")}',
            f'.num_subcommands = {len(cmd.subcommands)}',
            f'.get_keys = {"&" + get_keys if get_keys else "nullptr"}',
        ]
        self.emit(f'    {{  // {cmd.id}: {cmd.fullname}')
        for f in fields:
            self.emit(f'        {f},')
        self.emit('    },')

    def write(self):
        cmds = self.commands
        self.emit(HEADER)
        self.emit('#include "commands/command_def.h"')
        self.emit('#include "commands/generated.h"')
        self.emit('#include "commands/key_extraction.h"')
        self.emit()
        self.emit('namespace osprey::commands::generated {')
        self.emit()
        self.emit('namespace {')
        self.emit()
        self.emit(f'extern const CommandDef kDefs[{len(cmds)}];')
        self.emit()
        parts = [self.command_parts(c) for c in cmds]
        self.emit(f'constinit const CommandDef kDefs[{len(cmds)}] = {{')
        for cmd, p in zip(cmds, parts):
            self.command_def(cmd, p)
        self.emit('};')
        self.emit()
        self.emit('}  // namespace')
        self.emit()
        self.emit('constinit const CommandDef* const kTopLevel[] = {')
        for c in cmds:
            if not c.parent:
                self.emit(f'    &kDefs[{c.id}],  // {c.fullname}')
        self.emit('};')
        top_count = sum(1 for c in cmds if not c.parent)
        self.emit(f'constinit const size_t kTopLevelCount = {top_count};')
        self.emit()
        self.emit('constinit const CommandDef* const kAll[] = {')
        for c in cmds:
            self.emit(f'    &kDefs[{c.id}],')
        self.emit('};')
        self.emit(f'constinit const size_t kAllCount = {len(cmds)};')
        self.emit()
        self.emit('}  // namespace osprey::commands::generated')
        return '\n'.join(self.lines) + '\n'


def find_defined_handlers(scan_root):
    """Names of functions defined with a handler's signature anywhere under scan_root."""
    found = set()
    for path in glob.glob(os.path.join(scan_root, '**', '*.cc'), recursive=True):
        if os.path.basename(path).endswith('_gen.cc'):
            continue
        with open(path, encoding='utf-8', errors='replace') as f:
            found.update(HANDLER_DEFINITION.findall(f.read()))
    return found


def handlers_source(commands, allow_missing, defined):
    """handlers_gen.cc: every handler declared, kHandlers[] by command id.

    Strict mode declares every handler normally, so a missing one fails the
    link. With allow_missing, a handler whose definition the scan of the
    source tree found is still declared normally: that reference is what pulls
    its object file out of a static library (a weak reference would not). The
    others are declared weak and resolve to nullptr when no definition is
    linked in; the dispatcher treats a null handler as an unknown command.
    """
    lines = [HEADER]
    lines.append('// Handler of each command (the "function" field of its definition):')
    lines.append('//')
    width = max(len(c.fullname) for c in commands)
    for c in commands:
        fn = c.body.get('function', '(container: no handler)')
        lines.append(f'//   {c.fullname.ljust(width)}  {fn}')
    lines.append('')
    lines.append('#include "commands/command_context.h"')
    lines.append('#include "commands/generated.h"')
    lines.append('')
    by_namespace = {}
    for c in commands:
        fn = c.body.get('function')
        if fn:
            ns, _, name = fn.rpartition('::')
            by_namespace.setdefault(ns, []).append(name)
    for ns in sorted(by_namespace):
        lines.append(f'namespace {ns} {{')
        for name in by_namespace[ns]:
            weak = allow_missing and name not in defined
            attr = ' __attribute__((weak))' if weak else ''
            lines.append(f'void {name}(osprey::commands::CommandContext& ctx){attr};')
        lines.append(f'}}  // namespace {ns}')
        lines.append('')
    lines.append('namespace osprey::commands::generated {')
    lines.append('')
    lines.append('const CommandHandler kHandlers[] = {')
    for c in commands:
        fn = c.body.get('function')
        lines.append(f'    {"&" + fn if fn else "nullptr"},  // {c.id}: {c.fullname}')
    lines.append('};')
    lines.append('')
    lines.append('}  // namespace osprey::commands::generated')
    return '\n'.join(lines) + '\n'


def write_if_changed(path, text):
    """Leaves an unchanged output untouched so that nothing recompiles."""
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('defs', nargs='*', help='definition files (*.json)')
    parser.add_argument('--defs-dir', help='read every *.json in this directory')
    parser.add_argument('--commands-out', help='write commands_gen.cc here')
    parser.add_argument('--handlers-out', help='write handlers_gen.cc here')
    parser.add_argument('--allow-missing-handlers', action='store_true',
                        help='declare handlers not found under --scan-root weak')
    parser.add_argument('--scan-root', help='source tree searched for handler definitions')
    parser.add_argument('--list-handlers', action='store_true',
                        help='print "fullname handler" for every command')
    opts = parser.parse_args(argv)
    try:
        paths = list(opts.defs)
        if opts.defs_dir:
            paths += glob.glob(os.path.join(opts.defs_dir, '*.json'))
        commands = load_definitions(paths)
    except DefinitionError as e:
        print(f'gen_command_table.py: error: {e}', file=sys.stderr)
        return 1
    if opts.list_handlers:
        for c in commands:
            print(c.fullname, c.body.get('function', '-'))
    if opts.commands_out:
        write_if_changed(opts.commands_out, TableWriter(commands).write())
    if opts.handlers_out:
        defined = set()
        if opts.allow_missing_handlers and opts.scan_root:
            defined = find_defined_handlers(opts.scan_root)
        write_if_changed(opts.handlers_out,
                         handlers_source(commands, opts.allow_missing_handlers, defined))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
