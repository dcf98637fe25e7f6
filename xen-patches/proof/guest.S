/*
 * Minimal arm64 dom0less guest: a Linux arm64 Image header, then one
 * HYPERVISOR_console_io(CONSOLEIO_write) hypercall printing MSG, then wfi.
 * Xen prefixes the text with "(dN) ", N being the guest's domain ID.
 *
 * With EVTCHN_PORT defined, it also asks Xen for the status of that local
 * event channel (EVTCHNOP_status) and prints
 * "MSG evtchn PORT status S remote dR"; S = 2 means interdomain, R is the
 * peer's domain ID.
 *
 * Build: aarch64-linux-gnu-gcc -c -DMSG='"text"' [-DEVTCHN_PORT=n] guest.S
 *        aarch64-linux-gnu-ld -Ttext=0; aarch64-linux-gnu-objcopy -O binary
 * The guest runs with its MMU off: addresses are guest physical.
 */
#ifndef MSG
#define MSG "hello"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)

    .text
    .globl _start
_start:
    b       entry                   /* code0 */
    .long   0                       /* code1 */
    .quad   0                       /* text_offset */
    .quad   image_end - _start      /* image_size */
    .quad   0x8                     /* flags: LE, 4K, place anywhere */
    .quad   0, 0, 0                 /* res2-res4 */
    .long   0x644d5241              /* magic "ARM\x64" */
    .long   0                       /* res5 */

entry:
#ifndef EVTCHN_PORT
    adr     x2, msg
    mov     x1, #(msg_end - msg)
    bl      print
#else
    mov     x16, #32                /* __HYPERVISOR_event_channel_op */
    mov     x0, #5                  /* EVTCHNOP_status */
    adr     x1, status
    hvc     #0xea1
    adr     x2, msg
    mov     x1, #(msg_nonl - msg)
    bl      print
    adr     x2, ev1
    mov     x1, #(ev1_end - ev1)
    bl      print
    adr     x4, status
    ldr     w6, [x4, #8]            /* status */
    bl      print_dec
    adr     x2, ev2
    mov     x1, #(ev2_end - ev2)
    bl      print
    adr     x4, status
    ldrh    w6, [x4, #16]           /* u.interdomain.dom */
    bl      print_dec
    adr     x2, nl
    mov     x1, #1
    bl      print
#endif
1:  wfi
    b       1b

/* print(x2 = buffer, x1 = length); clobbers x0, x16 */
print:
    mov     x16, #18                /* __HYPERVISOR_console_io */
    mov     x0, #0                  /* CONSOLEIO_write */
    hvc     #0xea1
    ret

#ifdef EVTCHN_PORT
/* print_dec(x6 = value) */
print_dec:
    mov     x12, x30
    adr     x7, numbuf_end
    mov     x8, x7
    mov     x9, #10
2:  udiv    x10, x6, x9
    msub    x11, x10, x9, x6
    add     x11, x11, #'0'
    strb    w11, [x8, #-1]!
    mov     x6, x10
    cbnz    x6, 2b
    mov     x2, x8
    sub     x1, x7, x8
    bl      print
    mov     x30, x12
    ret

    .balign 4
status:                             /* struct evtchn_status */
    .hword  0x7ff0                  /* dom = DOMID_SELF */
    .hword  0
    .word   EVTCHN_PORT             /* port */
    .word   0                       /* status (out) */
    .word   0                       /* vcpu (out) */
    .word   0, 0                    /* u (out) */
numbuf:
    .space  12
numbuf_end:
ev1:
    .ascii  " evtchn " STR(EVTCHN_PORT) " status "
ev1_end:
ev2:
    .ascii  " remote d"
ev2_end:
nl:
    .ascii  "\n"
#endif

msg:
    .ascii  MSG
msg_nonl:
    .ascii  "\n"
msg_end:
    .balign 8
image_end:
