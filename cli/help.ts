/**
 * The help texts of `nlroute`: the general usage and each object's.
 *
 * @module
 */

/**
 * The general usage (`nlroute --help`).
 */
export const USAGE: string = `Usage: nlroute [ OPTIONS ] OBJECT { COMMAND | help }
       nlroute [ -h | --help ] [ -V | --version ]
where  OBJECT := { link | address | addrlabel | maddress | route | neigh | ntable | rule |
                  nexthop | netns | netconf | stats | tuntap | uevent | monitor | genl | ynl |
                  bridge { mdb | vlan } | tc { qdisc | class | filter } | ss | ipset |
                  conntrack }
       OPTIONS := { -j[son] | -p[retty] | -br[ief] | -o[neline] | -d[etails] | -s[tatistics] |
                    -n[etns] NAME | -4 | -6 | -f[amily] { inet | inet6 } |
                    -c[olor][={ always | auto | never }] | --debug }

Output is coloured when it goes to a terminal (-c or --color=always forces it;
--color=never or the NO_COLOR variable turns it off). -j prints JSON with ip -j's
field names, -br one line per object.
Exit status: 0 success, 1 bad input or object not found, 2 the kernel refused,
130 monitor interrupted. --debug adds a stack trace to errors.
Objects, commands and options may be abbreviated as with ip, read in ip's order:
nlroute l s dev v0 up is link set, nlroute a is address, nlroute m is maddress.
Each object has its own help: nlroute link help, nlroute route --help, …
`;

/** Each object's usage. */
const HELP: Record<string, string> = {
  link:
    `Usage: nlroute link show [ [ dev ] DEVICE ] [ up ] [ type KIND ] [ master DEVICE ] [ group N ]
       nlroute link add [ link DEVICE ] [ name ] NAME [ mtu MTU ] [ address LLADDR ]
                        [ txqlen N ] [ master DEVICE ] [ alias TEXT ] [ group N ] [ up ]
                        type KIND [ KIND_OPTIONS ]
       nlroute link set [ dev ] DEVICE [ up | down ] [ name NEWNAME ] [ mtu MTU ]
                        [ address LLADDR ] [ broadcast LLADDR ] [ txqlen N ]
                        [ master DEVICE | nomaster ] [ alias TEXT ] [ group N ]
                        [ netns { NAME | PID } ] [ carrier { on | off } ]
       nlroute link del [ dev ] DEVICE
       nlroute link property { add | del } [ dev ] DEVICE altname NAME [ altname NAME … ]
KIND_OPTIONS:
       veth    peer [ name ] NAME [ address LLADDR ] [ mtu MTU ] [ netns NAME ]
       vlan    id VID [ protocol { 802.1Q | 802.1ad } ]      (with link DEVICE)
       vxlan   id VNI [ remote ADDR | group ADDR ] [ local ADDR ] [ dev DEVICE ]
               [ dstport PORT ] [ ttl N ] [ learning | nolearning ]
       macvlan, macvtap  mode { private | vepa | bridge | passthru | source }
       vrf     table TABLE
       bond    mode { balance-rr | active-backup | balance-xor | broadcast | 802.3ad | … }
       bridge  stp_state N, vlan_filtering N, forward_delay N, … (ip's option names)
       dummy, ifb, …  no options
Examples:
       nlroute link add v0 type veth peer name v1
       nlroute link set dev v0 mtu 1400 up
       nlroute -br link show
       nlroute -d -s link show dev v0
`,
  address: `Usage: nlroute address show [ [ dev ] DEVICE ] [ up ] [ scope SCOPE ] [ label LABEL ]
                           [ to PREFIX ]
       nlroute address { add | change | replace | del } IFADDR dev DEVICE
                       [ peer PREFIX ] [ broadcast ADDR | brd + ] [ label LABEL ]
                       [ scope { global | link | host | site | N } ] [ metric N ]
                       [ valid_lft { SECONDS | forever } ] [ preferred_lft { SECONDS | forever } ]
                       [ nodad ] [ noprefixroute ] [ home ] [ mngtmpaddr ] [ autojoin ]
       nlroute address flush { dev DEVICE | scope SCOPE | label LABEL | to PREFIX } …
IFADDR := PREFIX (10.0.0.1/24, 2001:db8::1/64)
Examples:
       nlroute address add 10.0.0.1/24 dev v0
       nlroute -4 -br address
`,
  route: `Usage: nlroute route show [ table { TABLE | all } ] [ dev DEVICE ] [ proto PROTO ]
                         [ type TYPE ] [ scope SCOPE ] [ via ADDR ] [ src ADDR ]
                         [ [ to ] [ root | match | exact ] PREFIX ]
       nlroute route { add | del | change | replace | append } [ TYPE ] { PREFIX | default }
                     [ via ADDR ] [ dev DEVICE ] [ src ADDR ] [ table TABLE ]
                     [ metric N ] [ proto PROTO ] [ scope SCOPE ] [ onlink ] [ nhid ID ]
                     [ mtu N ] [ advmss N ] [ hoplimit N ] [ initcwnd N ] [ pref { low | medium | high } ]
                     [ encap ENCAP ] [ nexthop via ADDR [ dev DEVICE ] [ weight N ] [ onlink ]
                     [ encap ENCAP ] ] …
       nlroute route get ADDR [ from ADDR ] [ iif DEVICE ] [ oif DEVICE ] [ mark N ]
       nlroute route flush SELECTOR (as for show, but root and match)
       nlroute route save SELECTOR > FILE    (ip route save's binary stream; -j: JSON route specs)
       nlroute route restore < FILE          (either form; three passes as ip, existing routes kept)
       nlroute route showdump < FILE         (prints a saved binary stream)
root PREFIX: the routes inside PREFIX; match PREFIX: the routes that cover PREFIX.
TYPE  := { unicast | local | broadcast | multicast | anycast | blackhole | unreachable |
           prohibit | throw | nat }
TABLE := { main | local | default | NUMBER }
ENCAP := { seg6 mode { encap | inline | l2encap | encap.red | l2encap.red } segs ADDR[,ADDR…] [ hmac KEYID ]
         | seg6local action ACTION [ table T ] [ vrftable T ] [ nh4 ADDR ] [ nh6 ADDR ] [ iif DEV ]
           [ oif DEV ] [ srh segs ADDR[,ADDR…] [ hmac KEYID ] ] [ count ] [ flavors OPS [ lblen N ] [ nflen N ] ]
         | mpls LABEL[/LABEL…] [ ttl N ]
         | ip [ id ID ] [ dst ADDR ] [ src ADDR ] [ ttl N ] [ tos N ] [ key ] [ csum ] [ seq ]
         | ip6 [ id ID ] [ dst ADDR ] [ src ADDR ] [ hoplimit N ] [ tc N ] [ key ] [ csum ] [ seq ]
         | ioam6 [ freq K/N ] [ mode { inline | encap | auto } ] [ tundst ADDR ]
           trace prealloc type TYPE ns NS size SIZE }
Shows IPv4 routes of table main unless -6 or table all is given, as ip does.
Examples:
       nlroute route add 10.1.0.0/16 via 10.0.0.2 dev v0 table 100 metric 10
       nlroute -j route show table 100
`,
  neigh: `Usage: nlroute neigh show [ dev DEVICE ] [ nud { STATE | all } ] [ proxy ] [ [ to ] ADDR ]
       nlroute neigh { add | del | change | replace } ADDR [ lladdr LLADDR ] dev DEVICE
                     [ nud STATE ] [ router ] [ extern_learn ]
       nlroute neigh { add | del } proxy ADDR dev DEVICE
       nlroute neigh flush { dev DEVICE | nud STATE | proxy | to ADDR } …
STATE := { permanent | noarp | reachable | stale | none | incomplete | delay | probe | failed }
Examples:
       nlroute neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
       nlroute -br neigh
`,
  rule: `Usage: nlroute rule show [ SELECTOR ]
       nlroute rule { add | del } [ not ] [ from PREFIX ] [ to PREFIX ] [ iif DEVICE ]
                    [ oif DEVICE ] [ fwmark MARK[/MASK] ] [ tos TOS ] [ priority N ]
                    [ ipproto PROTO ] [ sport N[-M] ] [ dport N[-M] ] [ uidrange N-M ]
                    [ protocol PROTO ] [ l3mdev ] [ ACTION ]
       nlroute rule flush [ SELECTOR ]   (every rule of the family but priority 0)
ACTION := { table TABLE [ suppress_prefixlength N ] [ suppress_ifgroup G ] | goto N | nop |
            blackhole | unreachable | prohibit }
Shows IPv4 rules unless -6 is given, as ip does.
Examples:
       nlroute rule add from 10.0.0.0/8 table 100 priority 100
       nlroute -6 rule
`,
  nexthop:
    `Usage: nlroute nexthop show [ id ID ] [ dev DEVICE ] [ groups ] [ fdb ] [ master DEVICE ]
       nlroute nexthop get id ID
       nlroute nexthop { add | replace } id ID { via ADDR dev DEVICE | dev DEVICE | blackhole |
                       group ID[,WEIGHT]/ID[,WEIGHT]… [ type { mpath | resilient } ] }
                       [ onlink ] [ proto PROTO ] [ fdb ]
       nlroute nexthop del id ID
       nlroute nexthop flush [ dev DEVICE ] [ groups ] [ master DEVICE ] [ protocol PROTO ] [ fdb ]
Examples:
       nlroute nexthop add id 1 via 10.0.0.2 dev v0
       nlroute nexthop add id 10 group 1/2,3
`,
  netns: `Usage: nlroute netns list
       nlroute netns add NAME
       nlroute netns del NAME
       nlroute netns identify [ PID ]
       nlroute netns exec NAME COMMAND [ ARGUMENTS … ]
Named namespaces live under /run/netns, shared with ip netns. exec runs the command
inside NAME as ip netns exec does (its own /sys, /etc/netns/NAME over /etc) and exits
with its status.
`,
  maddr: `Usage: nlroute maddr [ show [ [ dev ] DEVICE ] ]
Lists the multicast addresses of each interface (link layer, IPv4 with -4, IPv6 with -6),
read from /proc/net/dev_mcast, igmp and igmp6 as ip maddr does.
`,
  addrlabel: `Usage: nlroute addrlabel { add | del } prefix PREFIX [ dev DEV ] [ label NUMBER ]
       nlroute addrlabel { list | flush }
IPv6 address labels (the RFC 6724 policy table) as ip addrlabel keeps them; flush
removes every entry, the kernel's defaults included. -j prints ip -j's fields.
`,
  tuntap: `Usage: nlroute tuntap { add | del } [ mode { tun | tap } ] [ user USER ] [ group GROUP ]
       [ one_queue ] [ pi ] [ vnet_hdr ] [ multi_queue ] [ name NAME ]
       nlroute tuntap { show | list } [ NAME ] [ mode { tun | tap } ]
Persistent tun/tap devices, created through /dev/net/tun in the namespace (-n) and owned by
USER/GROUP (names or numbers); del removes them over rtnetlink. show prints ip tuntap show's
line per device (-j: its fields), read from rtnetlink (one_queue, ignored since Linux 3.8, is
not reported).
`,
  bridge: `Usage: nlroute bridge { mdb | vlan } { COMMAND | help }
What iproute2's bridge tool does for the multicast database and port VLANs.
`,
  "bridge mdb": `Usage: nlroute bridge mdb { add | del | replace } dev BRIDGE port PORT grp GROUP
                [ src SOURCE ] [ permanent | temp ] [ vid VID ] [ filter_mode { include | exclude } ]
                [ source_list SOURCE[,SOURCE…] ] [ proto PROTO ]
       nlroute bridge mdb show [ dev BRIDGE ] [ vid VID ]
The bridge multicast database as bridge mdb keeps it; show prints bridge mdb show's lines
(-d: protocols and filter modes, -s: timers, -j: its fields).
`,
  "bridge vlan":
    `Usage: nlroute bridge vlan { add | del } dev DEV vid VID[-VEND] [ pvid ] [ untagged ]
                [ self ] [ master ]
       nlroute bridge vlan set dev DEV vid VID[-VEND] [ state STP_STATE ] [ mcast_router N ]
                [ mcast_max_groups N ] [ neigh_suppress { on | off } ]
       nlroute bridge vlan show [ dev DEV ]
VLANs of bridge ports (the bridge needs vlan_filtering for add, del and set), printed as
bridge vlan show prints them.
`,
  tc: `Usage: nlroute [ OPTIONS ] tc [ OPTIONS ] { qdisc | class | filter } { COMMAND | help }
What iproute2's tc tool does for qdiscs, classes and filters, in tc's grammar; its options
(-s, -d, -j, -p, -n NS) may come before or after "tc". show prints what tc 6.1 prints: text,
or with -j tc -j's fields (classes: the fields of tc's JSON class printer; where tc repeats a
key, as u32's "match", the value is an array).
`,
  "tc qdisc": `Usage: nlroute tc qdisc { add | change | replace | link | del } dev DEV [ handle H ]
                [ root | ingress | clsact | parent CLASSID ] [ estimator INTERVAL TIME_CONSTANT ]
                [ ingress_block N ] [ egress_block N ] [ KIND [ OPTIONS ] ]
       nlroute tc qdisc show [ dev DEV ] [ root | ingress | clsact | parent P | handle H ]
KIND := htb [ default ID ] [ r2q N ] [ direct_qlen P ] [ offload ]
      | tbf rate RATE burst BYTES { latency TIME | limit BYTES } [ peakrate RATE mtu BYTES ]
            [ mpu BYTES ] [ overhead N ] [ linklayer { ethernet | atm } ]
      | pfifo | pfifo_head_drop [ limit PACKETS ] | bfifo [ limit BYTES ]
      | prio [ bands N ] [ priomap P1 … P16 ]
      | sfq [ limit N ] [ perturb SECS ] [ quantum BYTES ] [ divisor N ] [ flows N ]
            [ depth N ] [ headdrop ]
      | fq_codel [ limit N ] [ flows N ] [ target TIME ] [ interval TIME ] [ quantum BYTES ]
            [ ce_threshold TIME ] [ memory_limit BYTES ] [ drop_batch N ] [ ecn | noecn ]
      | fq [ limit N ] [ flow_limit N ] [ quantum BYTES ] [ initial_quantum BYTES ]
            [ maxrate RATE ] [ buckets N ] [ orphan_mask N ] [ refill_delay TIME ]
            [ low_rate_threshold RATE ] [ ce_threshold TIME ] [ timer_slack TIME ]
            [ horizon TIME ] [ horizon_drop | horizon_cap ] [ pacing | nopacing ]
      | netem [ limit N ] [ delay TIME [ JITTER [ CORR ] ] ] [ loss [ random ] P [ CORR ] |
            loss state P13 [ P31 [ P32 [ P23 [ P14 ] ] ] ] | loss gemodel P [ R [ 1-H [ 1-K ] ] ] ]
            [ duplicate P [ CORR ] ] [ corrupt P [ CORR ] ] [ reorder P [ CORR ] ] [ gap N ]
            [ ecn ] [ rate RATE [ PACKETOVERHEAD [ CELLSIZE [ CELLOVERHEAD ] ] ] ]
            [ slot MIN [ MAX ] [ packets N ] [ bytes BYTES ] ]   (no distribution tables)
      | cake [ bandwidth RATE | unlimited | autorate-ingress ] [ rtt TIME | datacentre | lan |
            metro | regional | internet | oceanic | satellite | interplanetary ]
            [ besteffort | diffserv8 | diffserv4 | diffserv3 | precedence ]
            [ flowblind | srchost | dsthost | hosts | flows | dual-srchost | dual-dsthost |
            triple-isolate ] [ nat | nonat ] [ wash | nowash ] [ split-gso | no-split-gso ]
            [ ack-filter | ack-filter-aggressive | no-ack-filter ] [ memlimit BYTES ]
            [ fwmark MASK ] [ ptm | atm | noatm ] [ overhead N ] [ mpu N ] [ raw |
            conservative | ethernet | docsis | pppoe-ptm | bridged-ptm | … (tc-cake(8)) ]
            [ ingress | egress ]
      | hfsc [ default CLASSID ]
      | mqprio [ num_tc N ] [ map P1 … P16 ] [ queues COUNT@OFFSET … ] [ hw 0 | 1 ]
      | ingress | clsact | any other kind (sent alone: the kernel's defaults)
Example:
       nlroute tc qdisc add dev v0 root handle 1: htb default 20
       nlroute tc qdisc add dev v0 root netem delay 100ms 10ms 25% loss 0.1%
`,
  "tc class": `Usage: nlroute tc class { add | change | replace | del } dev DEV classid CLASSID
                [ root | parent CLASSID ] [ estimator INTERVAL TIME_CONSTANT ] [ KIND [ OPTIONS ] ]
       nlroute tc class show dev DEV [ root | parent P ] [ classid C ] [ qdisc Q ]
KIND := htb rate RATE [ ceil RATE ] [ burst BYTES ] [ cburst BYTES ] [ prio N ] [ quantum N ]
            [ mtu N ] [ mpu BYTES ] [ overhead N ] [ linklayer { ethernet | atm } ]
      | hfsc [ { rt | ls | sc | ul } CURVE ] …
CURVE := [ m1 RATE ] [ d TIME ] m2 RATE | [ umax BYTES ] [ dmax TIME ] rate RATE
Example:
       nlroute tc class add dev v0 parent 1: classid 1:10 htb rate 10mbit ceil 20mbit
       nlroute tc class add dev v0 parent 1: classid 1:20 hfsc sc rate 5mbit ul rate 10mbit
`,
  "tc filter": `Usage: nlroute tc filter { add | change | replace | del | get } dev DEV
                [ root | ingress | egress | parent CLASSID ] [ handle H ] [ pref N ]
                [ protocol PROTO ] [ chain N ] [ KIND [ OPTIONS ] [ ACTIONS ] ]
       nlroute tc filter show dev DEV [ root | ingress | egress | parent P ] [ pref N ]
                [ protocol PROTO ] [ chain N ]
KIND := u32 [ match SELECTOR … ] [ classid | flowid CLASSID ] [ ht HT ] [ link HT ]
            [ divisor N ] [ order N ] [ hashkey mask M at N ] [ sample SELECTOR [ divisor N ] ]
            [ indev DEV ] [ skip_hw | skip_sw ]
      | matchall [ classid CLASSID ] [ skip_hw | skip_sw ]
      | flower [ classid CLASSID ] [ indev DEV ] [ dst_mac | src_mac MAC ] [ vlan_id N ]
            [ vlan_prio N ] [ vlan_ethtype T ] [ ip_proto P ] [ dst_ip | src_ip PREFIX ]
            [ dst_port | src_port PORT[-PORT] ] [ tcp_flags V/M ] [ ip_tos V/M ] [ ip_ttl V/M ]
            [ ct_state STATE ] [ skip_hw | skip_sw ]
      | bpf { bytecode 'N,C T F K,…' | pinned PATH } [ da ] [ classid CLASSID ] [ skip_hw | skip_sw ]
      | basic [ classid CLASSID ] | fw [ classid CLASSID ] [ indev DEV ] (handle MARK[/MASK])
      | route [ to REALM ] [ from REALM | fromif DEV ] [ classid CLASSID ] [ order N ]
SELECTOR := { u32 | u16 | u8 } VALUE MASK [ at [ nexthdr+ ] N ]
          | ip { src | dst } PREFIX | ip { sport | dport | protocol | tos | ihl | … } VALUE MASK
          | ip { nofrag | firstfrag | df | mf } | ip6 … | { tcp | udp } { src | dst } VALUE MASK
          | icmp { type | code } VALUE MASK | ether { src | dst } MAC | mark VALUE MASK
ACTIONS := action { gact VERDICT [ random { netrand | determ } VERDICT N ] | VERDICT
                  | mirred { egress | ingress } { redirect | mirror } dev DEV [ VERDICT ]
                  | police rate RATE burst BYTES [ mtu BYTES ] [ peakrate RATE ] [ avrate RATE ]
                    [ conform-exceed EXCEED[/CONFORM] ]
                  | skbedit [ queue_mapping Q ] [ priority P ] [ mark M[/MASK] ] [ ptype T ]
                    [ inheritdsfield ] [ VERDICT ] | csum { ip4h | icmp | igmp | tcp | udp | … } [ VERDICT ]
                  | vlan { pop | push id N [ protocol 802.1Q | 802.1ad ] [ priority P ] | modify id N … }
                  | pedit [ ex ] munge { offset N u8|u16|u32 | ip FIELD | eth|ip6|tcp|udp FIELD (ex) }
                    { set V | add V | decrement | invert | clear | preserve } [ retain R ] … [ VERDICT ]
                } [ index N ] [ cookie HEX ] [ action … ]
VERDICT := { pass | drop | pipe | reclassify | continue | trap | goto chain N | jump N }
Example:
       nlroute tc filter add dev v0 parent 1: protocol ip pref 1 u32 \\
               match ip dport 80 0xffff flowid 1:10
`,
  ss: `Usage: nlroute [ -n NS ] [ -j ] ss [ OPTIONS ] [ state STATE | exclude STATE ]… [ FILTER ]
Lists sockets as iproute2's ss does (NETLINK_SOCK_DIAG), in ss's columns and order;
numbers only (ports and addresses are never resolved, as ss -n).
OPTIONS := -t (TCP) | -u (UDP) | -w (raw) | -x (unix) | -4 | -6 | -f { inet | inet6 | unix }
           | -A { all | inet | tcp | udp | raw | unix | unix_stream | unix_dgram | unix_seqpacket },…
           | -a (all states) | -l (listening and unconnected) | -n (accepted: always numeric)
           | -e (uid, inode, cookie, cgroup, v6only, shutdown) | -o (timers) | -m (skmem)
           | -i (tcp_info and the congestion module's bbr:(…), dctcp:(…), as ss -i)
           | -K (destroy the inet sockets listed; prints those destroyed) | -H (no header)
           | -N NS (in namespace NS) | -j (JSON) — bundled as ss bundles them (-tan, -tlnH)
Without -a, -l or state: the connected states (TCP), connected UDP/raw/unix, as ss.
With none of -t -u -w -x -4 -6: TCP, UDP, raw and unix (no packet, netlink, SCTP, … tables).
Raw sockets need the kernel's raw_diag (ss reads /proc/net/raw without it; nlroute says so).
STATE := { established | syn-sent | syn-recv | fin-wait-1 | fin-wait-2 | time-wait | closed |
           close-wait | last-ack | listening | closing | unconnected | all | connected |
           synchronized | bucket | big }
FILTER := COND | FILTER [ and ] FILTER | FILTER or FILTER | not FILTER | ( FILTER )
COND := { sport | dport } [ = | != | < | > | <= | >= ] :PORT | { src | dst } ADDR[/LEN][:PORT]
        (IPv6 as [ADDR]:PORT; * for any address; the words may be one quoted argument)
-j prints a JSON array of nlroute's DiagSocket objects (ss has no JSON): inet sockets
{ family, protocol, state, stateId, local: { address, port }, remote, interface, cookie,
timer, retrans, expires, rqueue, wqueue, uid, inode, info?, skmeminfo?, cong?, … }, unix
sockets { type, state, stateId, inode, cookie, name?, vfs?, peer?, pending?, rqueue, … }.
Examples:
       nlroute ss -tan
       nlroute -n blue ss -tln sport = :22
       nlroute ss -xa
       nlroute ss -K dst 10.0.0.2
`,
  ipset: `Usage: nlroute [ -n NS ] [ -j ] ipset [ SWITCHES ] COMMAND
COMMAND := create SETNAME TYPENAME [ CREATE-OPTIONS ]
         | { add | del | test } SETNAME ENTRY [ ADD-OPTIONS ]
         | { destroy | flush } [ SETNAME ] | rename FROM TO | swap FROM TO
         | { list | save } [ SETNAME ]
SWITCHES := -exist | -name | -terse | -output { plain | save } | -quiet
TYPENAME := { hash:ip | hash:net | hash:ip,port | hash:net,iface | hash:mac | bitmap:port |
              list:set }
CREATE-OPTIONS := [ family { inet | inet6 } ] [ hashsize N ] [ maxelem N ] [ timeout N ]
                  [ counters ] [ comment ] [ skbinfo ] [ forceadd ] [ range FROM-TO ]
                  (bitmap:port) [ size N ] (list:set)
ADD-OPTIONS := [ timeout N ] [ comment TEXT ] [ packets N ] [ bytes N ]
               [ skbmark MARK[/MASK] ] [ skbprio MAJOR:MINOR ] [ skbqueue N ] [ nomatch ]
ENTRY := IP | NET | IP,[PROTO:]PORT | NET,IFACE | MAC | PORT | SETNAME (by the set's type)
What Debian's ipset 7.17 does, over NETLINK_NETFILTER: list and save print its text
(-name: names only, -terse: no members); test exits 0 when the entry is in the set, 1
when not; the kernel's refusals are reported with ipset's message and exit status 1.
-j prints list/save as a JSON array of nlroute's IPSetInfo { name, type, revision,
header, members: [ { member, timeout?, packets?, bytes?, comment?, … } ] }.
Examples:
       nlroute ipset create allow hash:ip timeout 600 comment
       nlroute ipset add allow 192.0.2.7 timeout 60 comment "build host"
       nlroute -n blue ipset list allow
`,
  conntrack: `Usage: nlroute [ -n NS ] [ -j ] conntrack COMMAND [ OPTIONS ]
COMMAND := -L | -I | -D | -U | -F | -C | -S   (--dump, --create, --delete, --update, --flush,
           --count, --stats)
OPTIONS := [ -f { ipv4 | ipv6 } ] [ -p PROTO ] [ -s ADDR ] [ -d ADDR ] [ -r ADDR ] [ -q ADDR ]
           [ --sport PORT ] [ --dport PORT ] [ --reply-port-src PORT ] [ --reply-port-dst PORT ]
           [ --icmp-type N ] [ --icmp-code N ] [ --icmp-id N ]
           [ -t SECONDS ] [ -m MARK[/MASK] ] [ -u STATUS[,STATUS…] ] [ --state STATE ]
           [ -w | --zone ZONE ] [ -o extended ] [ -j ]
What conntrack 1.4.7 does, over NETLINK_NETFILTER: -L prints its lines (-o extended: the
family first) and the count on standard error; -D and -U act on every entry the options
select and print them; -I creates one entry (-s -d -p, ports, -t required); -C prints the
number of entries, -S the per-CPU counters. -j prints nlroute's ConntrackEntry objects.
Examples:
       nlroute -n blue conntrack -L -p tcp -o extended
       nlroute conntrack -I -s 10.0.0.1 -d 10.0.0.2 -p tcp --sport 1000 --dport 80 \\
               --state ESTABLISHED -t 100 -u ASSURED,SEEN_REPLY
`,
  netconf: `Usage: nlroute netconf [ show [ dev DEVICE ] ]
Per-interface IP configuration (forwarding, rp_filter, proxy_neigh, …) of each family,
with the all and default pseudo interfaces, as ip netconf shows it; -4/-6 pick a family.
`,
  ntable: `Usage: nlroute ntable change name NAME [ dev DEV ] PARMS
       nlroute ntable show [ dev DEV ] [ name NAME ]
PARMS := [ thresh1 VAL ] [ thresh2 VAL ] [ thresh3 VAL ] [ gc_int MSEC ]
         [ base_reachable MSEC ] [ retrans MSEC ] [ gc_stale MSEC ] [ delay_probe MSEC ]
         [ queue LEN ] [ app_probes VAL ] [ ucast_probes VAL ] [ mcast_probes VAL ]
         [ anycast_delay MSEC ] [ proxy_delay MSEC ] [ proxy_queue LEN ] [ locktime MSEC ]
Neighbour tables (arp_cache, ndisc_cache) as ip ntable shows them. The kernel changes the
thresholds and gc_int in the initial namespace only (elsewhere it answers ENOENT).
`,
  stats: `Usage: nlroute stats show [ dev DEV ] group link
The 64-bit link counters from RTM_GETSTATS, as ip stats show prints group link (-j: its
fields). The other groups (xstats, xstats_slave, offload, afstats) are IPRoute's
stats("get" | "dump", { groups }).
`,
  monitor: `Usage: nlroute monitor [ all | label ] [ OBJECT … ]
OBJECT := { link | address | route | neigh | rule | nexthop | netconf | nsid }
Prints every change as one line (like ip -o monitor) until interrupted (Ctrl-C).
-j prints one JSON object per line; -4/-6 limit addresses, routes and rules to a family;
label (or all) prefixes each line with its object, e.g. [LINK].
Example:
       nlroute -n blue monitor link address
`,
  uevent:
    `Usage: nlroute uevent monitor [ kernel | udev | all ] [ subsystem NAME ]… [ devtype NAME ]…
Prints each device event (NETLINK_KOBJECT_UEVENT) until interrupted (Ctrl-C), as udevadm
monitor --property does: a line KERNEL[SEQNUM] ACTION DEVPATH (SUBSYSTEM), the event's
properties one per line, a blank line. -j prints one JSON object per line { action, devpath,
subsystem, devtype, seqnum, source, env }. kernel (the default) is the kernel's group, udev
udevd's re-broadcasts, all both; subsystem and devtype keep only those events. Network
interfaces' events are delivered in their namespace: use -n.
Example:
       nlroute -n blue uevent monitor subsystem net
`,
  genl: `Usage: nlroute genl [ ctrl ] { list | show }
Lists the generic netlink families of the kernel as genl ctrl list does: id, version,
header size, highest attribute, operations with their capabilities, multicast groups.
-j prints a JSON array of objects { id, name, version, headerSize, maxAttr,
ops: [ { id, flags } ], groups: [ { name, id } ] }.
Example:
       nlroute -n blue -j genl list
`,
  ynl: `Usage: nlroute ynl FAMILY OP [ --json JSON ] [ --dump ] [ --spec FILE.yaml ]
       nlroute ynl FAMILY monitor [ --group NAME … ] [ --count N ] [ --spec FILE.yaml ]
       nlroute ynl FAMILY --list-ops [ --spec FILE.yaml ]
FAMILY := { devlink | dpll | ethtool | fou | handshake | mptcp_pm | netdev | nfsd | nlctrl |
            ovs_datapath | ovs_flow | ovs_vport | tcp_metrics | team | wireguard | TASKSTATS }
          or any family of a YNL spec given with --spec (FAMILY may then be left out).
Runs a generic netlink operation by its YNL name, as the kernel's ynl cli.py does: its
do form (prints one JSON value; null when the kernel answers with an ACK only) or with
--dump its dump form (prints a JSON array). --json is the request: keys as in the spec
(dev-name) or camelCase (devName), 64-bit integers as numbers or decimal strings, raw
bytes as hex strings or arrays of bytes. Replies have camelCase keys; 64-bit integers are
numbers when exact, decimal strings otherwise; raw bytes are hex strings.
monitor joins the groups (all of the family's by default) and prints each notification as
one JSON line { "name", "cmd", "attrs" } until interrupted, or until N with --count.
--list-ops prints the operations with their forms (do, dump, event).
Examples:
       nlroute ynl ethtool linkinfo-get --json '{"header":{"dev-name":"eth0"}}'
       nlroute -n blue ynl netdev dev-get --dump
       nlroute ynl ethtool monitor --count 1
`,
};

/**
 * The help text of a topic (an object's usage, or the general usage).
 *
 * @example
 * ```ts
 * import { helpText, main } from "@nlroute/nlroute/cli";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * const io = { stdout: (s: string) => void (out += s), stderr: () => {}, isTTY: false, env: {} };
 * assert.equal(await main(["route", "help"], io), 0);
 * assert.equal(out, helpText("route"));
 * assert.ok(out.startsWith("Usage: nlroute route"));
 * ```
 */
export function helpText(topic: string): string {
  const key = topic === "addr"
    ? "address"
    : topic === "maddress"
    ? "maddr"
    : topic === "neighbour" || topic === "neighbor"
    ? "neigh"
    : topic === "ntbl"
    ? "ntable"
    : topic;
  return HELP[key] ?? USAGE;
}
