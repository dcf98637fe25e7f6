#!/usr/bin/env python3
"""Helpers of the boot test (tests/boot/run.sh): what to load, and whether
the IDs Xen printed on a real boot are the IDs domc reported.

  check.py plan DTB REPORT PLAN
      Reads domc's JSON report and the compiled blob (with fdtget) and writes
      PLAN (JSON): per domain its report entry, the kernel module's load
      address and, for a static event channel, the local port and the peer
      domain's path.  Prints one line per guest image to build and load:
      "NAME ADDRESS PORT" (PORT "-" without an event channel).

  check.py compare NAME PLAN LOG MODE [DIAG]
      MODE "patched": for every domain, the patched Xen's creation line
      "(XEN) Xen dom0less: domain PATH gets domid N (requested|assigned)"
      and the guest's "(dN) guest NAME" line must both give the report's ID
      (and the creation line must say "requested" when domc reserved the IDs
      in the blob); an event-channel guest's "remote dR" must be the peer's
      ID.  MODE "stock": no creation lines, guest lines as above, and DIAG
      (domc's --diagnostics-format=json stderr) must hold one
      [-Wdomid_stock_xen] warning for each domain with a domid property.
      Prints one result line "boot NAME: ..." (plus the relevant console
      lines, indented, when something differs); exit status 1 on mismatch.

  check.py panic NAME LOG DIAG REPORT
      DIAG is domc's refusal of a collision (--diagnostics-format=json),
      REPORT its report of the forced compilation; LOG must show the panic
      the xen-patches README documents for it, before any domain exists:
      "Xen dom0less: domains FIRST and SECOND both request domid N".

  BOOT_CONSOLE (environment, for compare): more text, one per line, that
  must appear in the log (e.g. the cpupool's "Logical CPU 1 in Pool-1").

The serial log may have \\r\\n line ends.
"""
import json
import os
import re
import subprocess
import sys

CREATE = re.compile(r'^\(XEN\) Xen dom0less: domain (\S+) gets domid (\d+) '
                    r'\((requested|assigned)\)$')
GUEST = re.compile(r'^\(d(\d+)\) guest (\S+)(?: evtchn (\d+) status (\d+) '
                   r'remote d(\d+))?$')


def fdtget(dtb, *args):
    r = subprocess.run(['fdtget', dtb] + list(args), capture_output=True,
                       text=True)
    if r.returncode != 0:
        return None
    return r.stdout.split()


def cells(dtb, node, prop, default):
    v = fdtget(dtb, '-t', 'u', node, prop)
    return int(v[0]) if v else default


def read_log(path):
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8', 'replace')
    return [l.rstrip('\r') for l in text.split('\n')]


def load(path):
    with open(path) as f:
        return json.load(f)


def plan(dtb, report_path, out):
    report = load(report_path)
    doms = []
    evtchn_owner = {}   # phandle of an xen,evtchn-v1 node -> domain path
    for d in report['domains']:
        path = d['path']
        # Xen's rule: a domain node without cell properties inherits /chosen's.
        ac = cells(dtb, path, '#address-cells',
                   cells(dtb, '/chosen', '#address-cells', 2))
        kernel = d.get('kernel')
        if not kernel:
            sys.exit('check.py: %s has no kernel module in the report' % path)
        reg = fdtget(dtb, '-t', 'u', kernel, 'reg')
        if not reg or len(reg) < ac:
            sys.exit('check.py: cannot read %s/reg' % kernel)
        addr = 0
        for c in reg[:ac]:
            addr = (addr << 32) | int(c)
        entry = dict(d, addr=addr, port=None, peer_phandle=None, peer=None)
        for sub in fdtget(dtb, '-l', path) or []:
            node = path + '/' + sub
            compat = fdtget(dtb, node, 'compatible') or []
            if 'xen,evtchn-v1' not in compat:
                continue
            ev = fdtget(dtb, '-t', 'u', node, 'xen,evtchn')
            ph = fdtget(dtb, '-t', 'u', node, 'phandle')
            if ph:
                evtchn_owner[int(ph[0])] = path
            if ev and len(ev) == 2:
                entry['port'] = int(ev[0])
                entry['peer_phandle'] = int(ev[1])
        doms.append(entry)
    for e in doms:
        if e['peer_phandle'] is not None:
            e['peer'] = evtchn_owner.get(e['peer_phandle'])
    with open(out, 'w') as f:
        json.dump({'report': report, 'domains': doms}, f, indent=1)
    for e in doms:
        print(e['name'], '0x%x' % e['addr'],
              e['port'] if e['port'] is not None else '-')


def diagnostics(path):
    out = []
    if not path:
        return out
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith('{'):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def panics(lines):
    """The message lines of every panic in the log."""
    out = []
    for i, l in enumerate(lines):
        if l.startswith('(XEN) Panic on CPU'):
            j = i + 1
            while j < len(lines) and not lines[j].startswith('(XEN) ****'):
                out.append(lines[j])
                j += 1
    return out


def compare(name, plan_path, log_path, mode, diag_path=None):
    p = load(plan_path)
    report, doms = p['report'], p['domains']
    lines = read_log(log_path)
    by_path = {d['path']: d for d in doms}
    by_name = {d['name']: d for d in doms}
    ids = {d['path']: d['id'] for d in doms}
    static = report.get('static_reservation')
    creates = {}
    guests = {}
    problems = []   # (what differed, console lines to show)
    for l in lines:
        m = CREATE.match(l)
        if m:
            creates.setdefault(m.group(1), []).append(
                (int(m.group(2)), m.group(3), l))
            if m.group(1) not in by_path:
                problems.append(('Xen created %s, which domc did not report'
                                 % m.group(1), [l]))
            continue
        m = GUEST.match(l)
        if m:
            guests.setdefault(m.group(2), []).append(m)
            if m.group(2) not in by_name:
                problems.append(('a guest named %s printed, not in the report'
                                 % m.group(2), [l]))
    matched = 0
    for d in doms:
        path, want, bad = d['path'], d['id'], []
        shown = []
        c = creates.get(path, [])
        g = guests.get(d['name'], [])
        shown += [x[2] for x in c] + [x.group(0) for x in g]
        if mode == 'patched':
            if len(c) != 1:
                bad.append('%d creation lines for it' % len(c))
            else:
                got, how, _ = c[0]
                if got != want:
                    bad.append('Xen gave it %d' % got)
                want_how = 'requested' if static else d['how']
                if how != want_how:
                    bad.append('Xen says "%s", expected "%s"' % (how, want_how))
        elif c:
            bad.append('a stock Xen printed a creation line')
        if len(g) != 1:
            bad.append('%d guest lines "(dN) guest %s"' % (len(g), d['name']))
        else:
            m = g[0]
            if int(m.group(1)) != want:
                bad.append('its guest printed as d%s' % m.group(1))
            if d.get('port') is not None:
                if m.group(3) is None:
                    bad.append('no event channel status from its guest')
                else:
                    peer_id = ids.get(d.get('peer'))
                    if int(m.group(3)) != d['port'] or m.group(4) != '2':
                        bad.append('port %s status %s, expected port %d '
                                   'status 2 (interdomain)'
                                   % (m.group(3), m.group(4), d['port']))
                    if peer_id is None or int(m.group(5)) != peer_id:
                        bad.append('event channel peer d%s, expected %s (%s)'
                                   % (m.group(5), d.get('peer'), peer_id))
        if bad:
            problems.append(('%s: domc %s (%s), %s'
                             % (path, want, d['how'], '; '.join(bad)), shown))
        else:
            matched += 1
    extra = ''
    if mode == 'stock':
        warned = [x for x in diagnostics(diag_path)
                  if x.get('check') == 'domid_stock_xen']
        requested = [d for d in doms if d.get('requested') is not None]
        # A warning belongs to the domain whose node starts last before it.
        owners = []
        for w in warned:
            o = owner(doms, w.get('file'), w.get('line', 0))
            owners.append(o)
            if o is not None:
                m = re.search(r'gets ID (\d+)|ID (\d+) comes from',
                              w.get('message', ''))
                if m and int(m.group(1) or m.group(2)) != o['id']:
                    problems.append(('domc warned "%s" for %s (ID %d)'
                                     % (w['message'], o['path'], o['id']),
                                     []))
        got = sorted(o['path'] for o in owners if o is not None)
        want = sorted(d['path'] for d in requested)
        if got != want:
            problems.append(('[-Wdomid_stock_xen] warned for %s, expected '
                             'one per ignored domid: %s'
                             % (', '.join(got) or 'nothing',
                                ', '.join(want)), []))
        extra = ' (stock Xen, tree order; %d/%d ignored domids warned)' % (
            len(got), len(want))
    evs = [d for d in doms if d.get('port') is not None]
    if evs and not problems:
        extra += ', %d/%d event channel ends see the right peer' % (
            len(evs), len(evs))
    for want in filter(None, os.environ.get('BOOT_CONSOLE', '').split('\n')):
        if not any(want in l for l in lines):
            problems.append(('no console line with "%s"' % want, []))
    pan = panics(lines)
    if pan:
        problems.append(('Xen panicked', pan))
    elif not creates and not guests:
        tail = [l for l in lines if l.strip()][-3:]
        problems = [('no domain came up (%d console lines, see %s)'
                     % (len([l for l in lines if l.strip()]), log_path),
                     tail)]
    if not doms:
        problems.append(('domc reported no domains', []))
    if problems:
        print('boot %s: %d/%d domains match; %s' % (
            name, matched, len(doms), '; '.join(p[0] for p in problems)))
        for _, shown in problems:
            for l in shown:
                print('    ' + l)
        return 1
    print('boot %s: %d/%d domains match%s' % (name, matched, len(doms), extra))
    return 0


def owner(doms, file, line):
    """The domain whose node starts last before FILE:LINE (tree order)."""
    found = None
    for d in sorted(doms, key=lambda d: d['source']['line']):
        if d['source']['file'] == file and d['source']['line'] <= line:
            found = d
    return found


def panic(name, log_path, diag_path, report_path):
    diags = diagnostics(diag_path)
    dup = [x for x in diags if x.get('check') == 'domid_duplicate']
    if len(dup) != 1:
        print('boot %s: expected one [-Wdomid_duplicate] error from domc, '
              'got %d' % (name, len(dup)))
        return 1
    m = re.match(r'domid (\d+) is already requested by (\S+)$',
                 dup[0]['message'])
    second = owner(load(report_path)['domains'], dup[0].get('file'),
                   dup[0].get('line', 0))
    if not m or second is None:
        print('boot %s: unexpected domc message "%s"' % (name,
                                                        dup[0]['message']))
        return 1
    domid, first = m.group(1), m.group(2)
    lines = read_log(log_path)
    pan = panics(lines)
    want = '(XEN) Xen dom0less: domains %s and %s both request domid %s' % (
        first, second['path'], domid)
    hit = [l for l in pan if l == want]
    created = [l for l in lines if CREATE.match(l) or GUEST.match(l)]
    if hit and not created:
        print('boot %s: domc refused it (exit 1, no DTB: domid %s already '
              'requested by %s); forced, Xen panicked as documented: %s'
              % (name, domid, first, hit[0][len('(XEN) '):]))
        return 0
    print('boot %s: expected Xen to panic "%s" before creating any domain '
          '(log: %s)' % (name, want[len('(XEN) '):], log_path))
    for l in (pan or ['(no panic)']) + created:
        print('    ' + l)
    return 1


def main(argv):
    if len(argv) >= 4 and argv[1] == 'plan':
        plan(argv[2], argv[3], argv[4])
        return 0
    if len(argv) in (6, 7) and argv[1] == 'compare':
        return compare(argv[2], argv[3], argv[4], argv[5],
                       argv[6] if len(argv) == 7 else None)
    if len(argv) == 6 and argv[1] == 'panic':
        return panic(argv[2], argv[3], argv[4], argv[5])
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
