#!/usr/bin/env python3
"""bench/gen.py: deterministic benchmark inputs (no randomness, no clock).

  gen.py tree N      a generic DTS with about N properties (~5 per node):
                     nested buses, a label every 4th node, phandle references
                     (<&label ...> in cells), path references (&label and
                     &{/path} as values), overrides (&label { }) and
                     /delete-node/ /delete-property/.
  gen.py domains N   a dom0less tree with N xen,domain nodes under /chosen;
                     every third has an explicit, unique domid spread over
                     1..32751, the rest are implicit; each has a
                     multiboot,kernel module with reg.
Output goes to stdout.
"""
import sys

MAX_DOMID = 0x7FEF  # DOMID_FIRST_RESERVED - 1


def tree(nprops):
    out = []
    w = out.append
    nodes = max(1, nprops // 5)
    per_bus = 64
    buses = (nodes + per_bus - 1) // per_bus
    w("/dts-v1/;\n\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n"
      "\tmodel = \"domc bench %d\";\n" % nprops)
    labels = []  # (label, path)
    n = 0
    for b in range(buses):
        w("\n\tbus%d: bus@%x {\n\t\tcompatible = \"simple-bus\";\n"
          "\t\treg = <0x%x 0x100000>;\n"
          "\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n"
          "\t\tranges;\n" % (b, b * 0x100000, b * 0x100000))
        for d in range(per_bus):
            if n >= nodes:
                break
            addr = b * 0x100000 + d * 0x1000
            lab = None
            if n % 4 == 0:
                lab = "dev%d" % n
                w("\n\t\t%s: dev@%x {\n" % (lab, addr))
            else:
                w("\n\t\tdev@%x {\n" % addr)
            w("\t\t\tcompatible = \"vendor,dev%d\", \"vendor,generic\";\n" % (n % 97))
            w("\t\t\treg = <0x%x 0x1000>;\n" % addr)
            # a reference to an earlier labelled node (phandle in cells)
            if labels:
                tl = labels[(n * 7) % len(labels)][0]
                w("\t\t\tvendor,clk = <&%s %d>, <&%s 0x%x>;\n" % (tl, n % 8, tl, n & 0xff))
            else:
                w("\t\t\tvendor,clk = <%d>;\n" % n)
            if n % 3 == 0 and labels:
                tl, tp = labels[(n * 13) % len(labels)]
                if n % 2:
                    w("\t\t\tlink = &%s;\n" % tl)          # path reference
                else:
                    w("\t\t\tlink = &{%s};\n" % tp)        # path reference by path
            else:
                w("\t\t\tdata = [%02x %02x 00 ff];\n" % (n & 0xff, (n >> 8) & 0xff))
            w("\t\t\tstatus = \"okay\";\n")
            if n % 100 == 4:
                w("\t\t\tgone {\n\t\t\t\tx = <1>;\n\t\t\t};\n")
            w("\t\t};\n")
            if lab:
                labels.append((lab, "/bus@%x/dev@%x" % (b * 0x100000, addr)))
            n += 1
        w("\t};\n")
    w("};\n")
    # overrides on every 8th label, some deleting a property again
    for i, (lab, _) in enumerate(labels):
        if i % 25 == 1:
            # dev(100k+4): delete its "gone" child again
            w("\n&%s {\n\t/delete-node/ gone;\n};\n" % lab)
        if i % 8 == 1:
            w("\n&%s {\n\tstatus = \"disabled\";\n\toverride-%d = <%d>;\n" % (lab, i, i))
            if i % 16 == 1:
                w("\t/delete-property/ data;\n")
            w("};\n")
    # delete a few unlabelled nodes by path
    for b in range(0, buses, 16):
        if b * per_bus + 1 < nodes:
            w("\n/ {\n\tbus@%x {\n\t\t/delete-node/ dev@%x;\n\t};\n};\n"
              % (b * 0x100000, b * 0x100000 + 0x1000))
    sys.stdout.write("".join(out))


def domains(n):
    out = []
    w = out.append
    w("/dts-v1/;\n\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n"
      "\tcompatible = \"linux,dummy-virt\";\n\n"
      "\tmemory@40000000 {\n\t\tdevice_type = \"memory\";\n"
      "\t\treg = <0x0 0x40000000 0x10 0x0>;\n\t};\n\n"
      "\tchosen {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n"
      "\t\txen,xen-bootargs = \"console=dtuart dom0less-boot-timeout=0\";\n")
    nexp = (n + 2) // 3
    stride = max(1, MAX_DOMID // nexp)
    k = 0
    for i in range(1, n + 1):
        w("\n\t\tdomU%d {\n\t\t\tcompatible = \"xen,domain\";\n"
          "\t\t\t#address-cells = <2>;\n\t\t\t#size-cells = <2>;\n" % i)
        if i % 3 == 1:
            w("\t\t\tdomid = <%d>;\n" % (MAX_DOMID - k * stride))
            k += 1
        w("\t\t\tcpus = <1>;\n\t\t\tmemory = <0 0x%x>;\n" % (0x20000 + (i % 4) * 0x10000))
        addr = 0x80000000 + i * 0x200000
        w("\t\t\tmodule@%x {\n"
          "\t\t\t\tcompatible = \"multiboot,kernel\", \"multiboot,module\";\n"
          "\t\t\t\treg = <0x%x 0x%x 0x0 0x200000>;\n"
          "\t\t\t\tbootargs = \"console=ttyAMA0\";\n\t\t\t};\n\t\t};\n"
          % (addr, addr >> 32, addr & 0xffffffff))
    w("\t};\n};\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("tree", "domains"):
        sys.stderr.write("usage: gen.py tree|domains N\n")
        sys.exit(2)
    {"tree": tree, "domains": domains}[sys.argv[1]](int(sys.argv[2]))
