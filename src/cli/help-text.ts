/** `ztop --help`: flags grouped as `hubble observe --help` groups them, with examples from the zero-trust lab. */
export const helpText = `
  top for zero-trust networking: Cilium Hubble flows, per-policy allow/deny tallies
  and the policies behind every verdict.

  Usage
    $ ztop [filters] [--server ADDR | -P | --demo [SCENARIO] | --input-file FILE|-] [-o FORMAT]
      On a terminal ztop opens its TUI (? there lists the keys); with -o, or when stdout or
      stdin is not a terminal, it prints flows like hubble observe.
    $ ztop suggest [filters] [--policies PATH|cluster] [--suggest-kind cnp|netpol] [source]
      Prints the smallest policy that admits the denied flows that pass the filters.
    $ ztop demo-relay [--listen 127.0.0.1:4245] [--scenario zero-trust|starwars]   (ztop demo-relay --help)

  Examples
    $ ztop --demo                                  the TUI on the built-in zero-trust lab (q to quit)
    $ ztop -n shop                                 the TUI on Hubble Relay: last 10 minutes, then live
    $ ztop --demo -o compact                       the lab's flows printed as hubble prints them
    $ ztop -n shop --type policy-verdict -f        follow Hubble Relay at $HUBBLE_SERVER or localhost:4245
    $ ztop -P -n shop --last 100 -o tally          port-forward hubble-relay, tally the last 100 per node
    $ ztop --input-file flows.json -n shop --type policy-verdict
    $ hubble observe -n shop -o jsonpb --last 1000 | ztop --input-file - -o tally
    $ ztop --input-file flows.json --verdict DROPPED --not -n kube-system
    $ ztop -n shop --print-raw-filters

  Selectors (as hubble observe: against a server the last 20 flows per node, no follow)
    -f, --follow            Keep streaming new flows (reconnects, without gaps or duplicates)
    --first N               The first N matching flows
    --last N                The last N matching flows (per node from a relay)
    --all                   Every flow the server holds
    --since TIME            Flows at or after TIME: a duration back from now (5m, 1h30m)
                            or a time (2026-11-22, 2026-11-22T10:04Z, RFC 3339)
    --until TIME            Flows up to TIME (same forms)

  Filters (repeat a flag to OR its values; --not negates the next filter flag)
    -n, --namespace NS      Flows to or from namespace NS
    -A, --all-namespaces    Flows to or from any namespace
    --from-namespace NS     --to-namespace NS
    --pod [NS/]POD          Flows to or from pods whose name starts with POD (namespace default)
    --from-pod, --to-pod    --service, --from-service, --to-service
    -l, --label SELECTOR    Kubernetes label selector, e.g. app=frontend, k8s:app=frontend,
                            'app in (a,b)', reserved:world
    --from-label, --to-label
    --ip IP|CIDR            --from-ip, --to-ip, --snat-ip
    --port PORT             --from-port, --to-port
    --identity ID|NAME      --from-identity, --to-identity (world, host, kube-apiserver, …)
    --fqdn PATTERN          --from-fqdn, --to-fqdn (*.example.com)
    --workload [KIND/]NAME  --from-workload, --to-workload
    --cluster NAME          --from-cluster, --to-cluster
    --verdict VERDICT       FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED
    -t, --type TYPE[:SUB]   drop, capture, trace[:to-endpoint|to-proxy|to-host|to-stack|…],
                            l7, policy-verdict, trace-sock, or a number
    --protocol PROTOCOL     tcp, udp, sctp, icmp, icmpv4, icmpv6, vrrp, igmp, dns, http, kafka
    --traffic-direction DIR ingress or egress
    --drop-reason-desc R    POLICY_DENIED (default deny), POLICY_DENY (deny rule), …
    --http-method M         --http-path REGEX, --http-url REGEX, --http-status 404|5+,
                            --http-header KEY:VALUE
    --node-name [CLUSTER/]NODE, --node-label SELECTOR, --uuid UUID, --tcp-flags syn,ack,
    --ip-version 4|6, -4, -6, --trace-id ID, --interface NAME
    --not                   Negate the next filter flag
    --allowlist JSON        Raw FlowFilter to allow (repeatable)
    --denylist JSON         Raw FlowFilter to deny (repeatable)

  Connection
    --server ADDR           Hubble Relay: host:port, tls://host:port, unix:///path
                            (default $HUBBLE_SERVER, else localhost:4245). Repeat it for several
                            relays (clusters without Cluster Mesh): each flow once (printed in time
                            order); the TUI's header shows each relay's state, nodes, rate and loss
    --tls                   Use TLS; --tls-ca-cert-files FILE, --tls-server-name NAME,
                            --tls-client-cert-file FILE --tls-client-key-file FILE (mTLS),
                            --tls-allow-insecure (skip certificate checks)
    --request-timeout D     Deadline of unary calls (default 12s)
                            A relay that is not on this host is reached through $HTTPS_PROXY
                            (http:// CONNECT proxies) unless $NO_PROXY lists it, as hubble does
    -P, --port-forward      kubectl port-forward service/hubble-relay first; --port-forward-port N
                            (default 4245, 0 = any), --kube-context, --kubeconfig, --kube-namespace
                            (default kube-system). Repeat --kube-context for one forward per cluster,
                            merged like several --server
    --demo [SCENARIO]       Start the built-in demo relay (zero-trust or starwars) and follow it;
                            --seed N, --stage-seconds N. The TUI runs the two-cluster lab as one
                            relay per cluster, merged like several --server, evaluates its flows
                            with the stage's policies and, as its what-if (w), the next stage's;
                            --no-demo-policies leaves both out

  Policies (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy; Cilium 1.17's semantics)
    --policies PATH         The policies in force: YAML/JSON files or directories (repeatable);
                            'cluster' reads them with kubectl (--kube-context, --kubeconfig; with
                            several --kube-context, each cluster's own, applied to its endpoints);
                            'demo' is the demo's current stage (the TUI with --demo)
    --what-if-apply PATH    Also apply these files, as kubectl apply would (repeatable)
    --what-if-delete REF    Also delete [cnp|ccnp|netpol/][NAMESPACE/]NAME, or one rule by its address
                            ('shop/allow-dns egress[0]', as -o rules names it) (repeatable)
    -o what-if              Connections whose verdict would change: breaks, then fixes
    -o what-if-json         Per flow: {"uuid","now","change","egress","ingress"}, each direction
                            {"verdict","by","reason","proxy"}; change compares the candidate set with
                            --policies, or with what Hubble observed when only one set is given
    Policies Cilium would reject are reported with its reason and ignored, as the agent does.

  Suggest (ztop suggest; in the TUI, s on a flow)
    A CiliumNetworkPolicy (or NetworkPolicy with --suggest-kind netpol) per pod and direction that
    admits exactly the denied connections: the pod and its peers by stable labels (app, k8s-app, …),
    world by DNS name (toFQDNs, with the DNS rule it needs) or /32, ports, and an HTTP rule for a
    request the proxy denied. Denied means by --policies (with --what-if-*) when given, else as
    Hubble observed. It is evaluated before it is printed: the targets turn allowed, and (with
    --policies) every other flow it changes is listed; a flow a deny rule blocks is named with
    that rule instead.
      $ ztop suggest --input-file flows.json --policies ./policies -n shop --verdict DROPPED

  TUI
    --buffer N              Flows kept for listing and filtering (default 100000; tallies count all)
    --fps N                 Frames per second (default 10; lower it on slow links)
    Keys: ↑↓ j k, PgUp PgDn, g G, Tab, Enter, Esc, / filter, Space pause, m mark, t totals/mark,
    v verdicts, o overview, J JSON, e export, c copy (OSC 52), s S suggest (then e write, c copy,
    a add to what-if), w what-if, ? help, q quit.
    The / filter takes hubble flags verbatim or from: to: ns: verdict: policy: port: dir: type: …

  Input and output
    --input-file FILE       Read a capture of \`hubble observe -o jsonpb\` (- for stdin)
    -o, --output FORMAT     compact (default), dict, table, jsonpb (json), tally, tally-json,
                            connections, connections-json (per client, server and port, at the end),
                            mermaid, dot (the connections as a graph), rules, rules-json
                            (every rule of --policies by address, with what it decided)
    --color WHEN            auto (default), always, never; NO_COLOR turns auto off
    --print-node-name       Print the node each flow was observed on
    --numeric               Print IP addresses instead of names (--no-ip-translation)
    --print-raw-filters     Print the allowlist and denylist FlowFilters, then exit
    -D, --debug             Also print informational node status events and the server's status;
                            in the TUI, log each reconnect and its reason, and on quitting a
                            session summary (flows received, frames drawn, terminal bytes, peak
                            RSS); shown after quitting, or at once when stderr is redirected:
                            ztop -D 2>ztop.log

  Connections
    A connection is client → server:port/protocol, an endpoint a workload (namespace/name), a
    reserved identity (host, world with its DNS name…) or a label set; replies count toward the
    connection they answer. Every flow is counted, not only the ones the buffer holds.
    --ledger FILE           Keep connections on disk: read FILE at start (if it exists), add every
                            flow, write it back atomically every few seconds and at exit. -o
                            connections*, mermaid, dot print all it holds; -o what-if*, ztop
                            suggest and the TUI's what-if also judge its connections not seen in
                            this run (20 hours ago, last week): ztop --input-file /dev/null
                            --ledger FILE --what-if-apply stage5.yaml -o what-if
    --max-connections N     Connections kept (default 100000); the least recently seen are
                            forgotten first, and the ledger is then not written over

  Tallies (-o tally, -o tally-json) count policy-verdict events per policy and direction:
  allowed (FORWARDED, REDIRECTED), denied (DROPPED), audited (AUDIT), and L7 denials charged to
  the policy that redirected the connection; (default deny) when no policy is named.
`;

/**
The help as `kubectl ztop --help` shows it: the commands as typed through kubectl, and where the flows
come from when no source is given.
*/
export function kubectlPluginHelp(text: string): string {
	return text
		.replaceAll('$ ztop', '$ kubectl ztop')
		.replace(
			'\n  Examples\n',
			'\n  As a kubectl plugin (this program named kubectl-ztop, on PATH) ztop port-forwards hubble-relay\n  in kubectl\'s current context (-P; --kube-context, --kubeconfig pick another) unless --server,\n  --input-file or --demo says where to read.\n\n  Examples\n',
		);
}
