#!/usr/bin/python3
"""libtorrent 2.0.x driver for rxtorrent's interop specs (run with /usr/bin/python3).

Subcommands (see spec/helpers/clients.ts for the TypeScript side):
  infohash TORRENT [--json]                       (--json: also v2 hash, has_v1/has_v2, roots, magnet)
  create PATH OUT --tracker URL [--tracker URL ...] [--piece-size N] [--v1-only | --v2-only]
  recheck TORRENT SAVE_PATH                       -> "VALID <have> <total>"
  seed TORRENT SAVE_PATH --port P [--seed-mode] [--peer IP:PORT ...]
  leech (TORRENT | --magnet URI) SAVE_PATH --port P [--peer IP:PORT ...] [--exit-when-done]
seed and leech take [--enc forced|enabled|disabled] [--enc-level plaintext|rc4|both] [--prefer-rc4]
(message stream encryption: in_enc_policy/out_enc_policy, allowed_enc_level; default disabled).
  dht --port P [--dht-node IP:PORT ...] [--get-peers HEX]
seed and leech take --dht-node IP:PORT too: the DHT is then on (loopback settings, no public
routers), bootstrapped from those nodes only; a seeder announces itself every 2 s.
dht runs a DHT-only node: it prints DHT_NODES <n> once a second and, with --get-peers, looks the
info-hash up every 2 s and prints DHT_PEERS <ip:port> ... for each reply with peers.

seed/leech print, on stdout and unbuffered:
  LISTENING <port>            once the listen socket is open
  METADATA <v1 info-hash>     when a magnet's metadata arrived
  PEER connect|disconnect ... on peer connects and disconnects
  HASHFAIL <piece>            when a downloaded piece fails its hash check
  TRACKER reply|error ...     on tracker replies and errors
  PROGRESS <fraction> <state> peers=<n> down=<B/s> up=<B/s> uploaded=<bytes>   once a second
  READY (seed) / DONE (leech) once, when the torrent is complete and verified
--peer IP:PORT is dialled right away, then every 3 s while not connected to it (at most 100
rounds; a leecher stops once finished), so the other side may start later.
Errors (error-category alerts) go to stderr. SIGTERM/SIGINT exit cleanly with status 0;
a failed listen exits with status 3.
"""
import argparse
import json
import os
import signal
import sys
import time
import warnings

import libtorrent as lt

RECONNECT_EVERY_S = 3
MAX_RECONNECTS = 100


def out(*parts):
    sys.stdout.write(' '.join(str(p) for p in parts) + '\n')
    sys.stdout.flush()


def err(*parts):
    sys.stderr.write(' '.join(str(p) for p in parts) + '\n')
    sys.stderr.flush()


ENC_POLICY = {'forced': 0, 'enabled': 1, 'disabled': 2}
ENC_LEVEL = {'plaintext': 1, 'rc4': 2, 'both': 3}


DHT_ANNOUNCE_EVERY_S = 2


def dht_settings(on):
    """Loopback DHT (INTEROP.md): no public routers, 127.x accepted in routing and searches."""
    if not on:
        return {}
    return {
        'enable_dht': True, 'dht_bootstrap_nodes': '',
        'dht_restrict_routing_ips': False, 'dht_restrict_search_ips': False,
        'dht_ignore_dark_internet': False,
    }


def session_for(port, upload_limit=0, download_limit=0, enc='disabled', enc_level='both', prefer_rc4=False, dht_nodes=None, dht=False):
    cat = lt.alert.category_t
    mask = (cat.error_notification | cat.status_notification | cat.storage_notification
            | cat.tracker_notification | cat.connect_notification | cat.peer_notification
            | cat.dht_notification | cat.dht_operation_notification)
    settings = {
        'listen_interfaces': '127.0.0.1:%d' % port,
        'outgoing_interfaces': '127.0.0.1',
        'allow_multiple_connections_per_ip': True,
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_incoming_utp': False, 'enable_outgoing_utp': False,
        'max_retry_port_bind': 0,
        'min_reconnect_time': 1,
        'max_failcount': 1000,
        'in_enc_policy': ENC_POLICY[enc], 'out_enc_policy': ENC_POLICY[enc],
        'allowed_enc_level': ENC_LEVEL[enc_level], 'prefer_rc4': prefer_rc4,
        'min_announce_interval': 1,
        'announce_to_all_tiers': True, 'announce_to_all_trackers': True,
        # every tracker in the specs is on 127.0.0.1 with whatever path the spec chose
        'ssrf_mitigation': False,
        'stop_tracker_timeout': 1,
        'upload_rate_limit': upload_limit, 'download_rate_limit': download_limit,
        'alert_mask': mask,
    }
    settings.update(dht_settings(dht or bool(dht_nodes)))
    ses = lt.session(settings)
    for node in dht_nodes or []:
        ses.add_dht_node(parse_peer(node))
    if upload_limit or download_limit:
        # Peers on local networks (loopback included) are in libtorrent's 'local' peer class,
        # which the session's rate limits do not cover: put every address in the global class.
        classes = lt.ip_filter()
        classes.add_rule('0.0.0.0', '255.255.255.255', 1 << ses.global_peer_class_id)
        classes.add_rule('::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 1 << ses.global_peer_class_id)
        ses.set_peer_class_filter(classes)
    return ses


def parse_peer(s):
    host, _, port = s.rpartition(':')
    return (host, int(port))


def cmd_infohash(a):
    ti = lt.torrent_info(a.torrent)
    v1 = str(ti.info_hashes().v1)
    if not a.json:
        out(v1)
        out(ti.num_pieces(), ti.total_size())
        return 0
    fs = ti.files()
    ih = ti.info_hashes()
    files = [{'path': fs.file_path(i), 'size': fs.file_size(i),
              'pad': bool(fs.file_flags(i) & lt.file_storage.flag_pad_file),
              'root': str(fs.root(i)) if ih.has_v2() else None}
             for i in range(fs.num_files())]
    out(json.dumps({
        'infoHash': v1, 'infoHashV2': str(ih.v2), 'hasV1': ih.has_v1(), 'hasV2': ih.has_v2(),
        'magnet': lt.make_magnet_uri(ti), 'name': ti.name(), 'files': files,
        'pieceLength': ti.piece_length(), 'numPieces': ti.num_pieces(),
        'totalSize': ti.total_size(), 'trackers': [t.url for t in ti.trackers()],
        'v2': ti.info_hashes().has_v2(),
    }, ensure_ascii=False))
    return 0


def cmd_create(a):
    path = os.path.abspath(a.path)
    fs = lt.file_storage()
    lt.add_files(fs, path)
    flags = lt.create_torrent.v1_only if a.v1_only else lt.create_torrent.v2_only if a.v2_only else 0
    ct = lt.create_torrent(fs, a.piece_size, flags=flags)
    for tier, url in enumerate(a.tracker or []):
        ct.add_tracker(url, tier)
    ct.set_creator('rxtorrent lt_driver')
    lt.set_piece_hashes(ct, os.path.dirname(path))
    with open(a.out, 'wb') as f:
        f.write(lt.bencode(ct.generate()))
    ih = lt.torrent_info(a.out).info_hashes()
    out(str(ih.v2) if a.v2_only else str(ih.v1))
    return 0


def cmd_recheck(a):
    ses = session_for(0)
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(a.torrent)
    atp.save_path = a.save_path
    atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    # Without resume data libtorrent hashes every piece found on disk when the torrent is added
    # (a paused torrent would not be checked at all, so no force_recheck() here).
    h = ses.add_torrent(atp)
    h.replace_trackers([])  # a recheck never announces
    deadline = time.time() + 600
    while time.time() < deadline:
        ses.wait_for_alert(200)
        for al in ses.pop_alerts():
            if isinstance(al, lt.torrent_checked_alert):
                st = h.status()
                out('VALID', st.num_pieces, atp.ti.num_pieces())
                return 0
            if al.category() & lt.alert.category_t.error_notification:
                err(type(al).__name__, al.message())
    err('recheck timed out')
    return 1


def cmd_transfer(a, seeding):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    ses = session_for(a.port, a.upload_limit, a.download_limit, a.enc, a.enc_level, a.prefer_rc4, a.dht_node)
    if getattr(a, 'magnet', None):
        atp = lt.parse_magnet_uri(a.magnet)
        save_path = a.args[0]
    else:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(a.args[0])
        save_path = a.args[1]
    atp.save_path = save_path
    atp.flags &= ~lt.torrent_flags.auto_managed
    atp.flags &= ~lt.torrent_flags.paused
    if seeding and a.seed_mode:
        atp.flags |= lt.torrent_flags.seed_mode
    h = ses.add_torrent(atp)
    peers = [parse_peer(p) for p in (a.peer or [])]
    for p in peers:
        h.connect_peer(p)
    done_word = 'READY' if seeding else 'DONE'
    announced = False
    reconnects = 0
    next_tick = time.time()
    next_reconnect = next_tick + RECONNECT_EVERY_S
    next_dht_announce = next_tick
    while not stop:
        ses.wait_for_alert(100)
        for al in ses.pop_alerts():
            if isinstance(al, lt.listen_succeeded_alert):
                if str(al.socket_type) == 'tcp':  # the UDP socket opens too, even with uTP off
                    out('LISTENING', al.port)
            elif isinstance(al, lt.listen_failed_alert):
                err('listen failed:', al.message())
                if str(al.socket_type) == 'tcp':
                    return 3
            elif isinstance(al, lt.metadata_received_alert):
                out('METADATA', str(h.status().info_hashes.v1))
            elif isinstance(al, lt.peer_connect_alert):
                out('PEER connect', '%s:%d' % al.endpoint)
            elif isinstance(al, lt.incoming_connection_alert):
                out('PEER incoming', '%s:%d' % al.endpoint)
            elif isinstance(al, lt.peer_disconnected_alert):
                out('PEER disconnect', '%s:%d' % al.endpoint, al.error.message())
            elif isinstance(al, lt.hash_failed_alert):
                out('HASHFAIL', al.piece_index)
            elif isinstance(al, lt.tracker_reply_alert):
                out('TRACKER reply peers=%d' % al.num_peers, al.tracker_url())
            elif isinstance(al, (lt.tracker_error_alert, lt.tracker_warning_alert)):
                out('TRACKER error', al.message())
            elif al.category() & lt.alert.category_t.error_notification:
                err(type(al).__name__, al.message())
        if not announced:
            st = h.status()
            if st.has_metadata and (st.is_seeding or st.is_finished) and st.state not in (
                    lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data):
                announced = True
                out(done_word)
                if not seeding and a.exit_when_done:
                    break
        now = time.time()
        if a.dht_node and seeding and now >= next_dht_announce:
            next_dht_announce = now + DHT_ANNOUNCE_EVERY_S
            h.force_dht_announce()
        if now < next_tick:
            continue
        next_tick = now + 1
        st = h.status()
        out('PROGRESS %.4f %s peers=%d down=%d up=%d uploaded=%d' % (
            st.progress, str(st.state).split('.')[-1], st.num_peers,
            st.download_payload_rate, st.upload_payload_rate, st.total_payload_upload))
        if peers and reconnects < MAX_RECONNECTS and now >= next_reconnect \
                and (seeding or not st.is_finished):
            reconnects += 1
            next_reconnect = now + RECONNECT_EVERY_S
            connected = {tuple(pi.ip) for pi in h.get_peer_info()}
            for p in peers:
                if p not in connected:
                    h.connect_peer(p)
    ses.pause()
    return 0


def cmd_dht(a):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    warnings.simplefilter('ignore', DeprecationWarning)  # session.status(): dht_nodes has no other home in 2.0's bindings
    ses = session_for(a.port, dht_nodes=a.dht_node or [], dht=True)
    target = lt.sha1_hash(bytes.fromhex(a.get_peers)) if a.get_peers else None
    next_tick = time.time()
    next_lookup = next_tick
    while not stop:
        ses.wait_for_alert(100)
        for al in ses.pop_alerts():
            if isinstance(al, lt.listen_succeeded_alert) and str(al.socket_type) == 'udp':
                out('LISTENING', al.port)
            elif isinstance(al, lt.dht_get_peers_reply_alert):
                peers = ['%s:%d' % p for p in al.peers()]
                if peers:
                    out('DHT_PEERS', *peers)
            elif al.category() & lt.alert.category_t.error_notification:
                err(type(al).__name__, al.message())
        now = time.time()
        if target is not None and now >= next_lookup:
            next_lookup = now + 2
            ses.dht_get_peers(target)
        if now >= next_tick:
            next_tick = now + 1
            out('DHT_NODES', ses.status().dht_nodes)
    return 0


def main():
    p = argparse.ArgumentParser(prog='lt_driver.py')
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('infohash')
    s.add_argument('torrent')
    s.add_argument('--json', action='store_true')
    s = sub.add_parser('create')
    s.add_argument('path')
    s.add_argument('out')
    s.add_argument('--tracker', action='append')
    s.add_argument('--piece-size', type=int, default=0)
    s.add_argument('--v1-only', action='store_true')
    s.add_argument('--v2-only', action='store_true')
    s = sub.add_parser('recheck')
    s.add_argument('torrent')
    s.add_argument('save_path')
    for name in ('seed', 'leech'):
        s = sub.add_parser(name)
        s.add_argument('args', nargs='+', help='TORRENT SAVE_PATH, or SAVE_PATH with --magnet')
        s.add_argument('--port', type=int, required=True)
        s.add_argument('--peer', action='append', help='IP:PORT to dial')
        s.add_argument('--upload-limit', type=int, default=0, help='bytes/s, 0 = unlimited')
        s.add_argument('--download-limit', type=int, default=0, help='bytes/s, 0 = unlimited')
        s.add_argument('--enc', choices=sorted(ENC_POLICY), default='disabled')
        s.add_argument('--enc-level', choices=sorted(ENC_LEVEL), default='both')
        s.add_argument('--prefer-rc4', action='store_true')
        s.add_argument('--dht-node', action='append', help='IP:PORT: turn the DHT on, bootstrapped from it')
        if name == 'seed':
            s.add_argument('--seed-mode', action='store_true')
        else:
            s.add_argument('--magnet')
            s.add_argument('--exit-when-done', action='store_true')
    s = sub.add_parser('dht')
    s.add_argument('--port', type=int, required=True)
    s.add_argument('--dht-node', action='append', help='IP:PORT to bootstrap from')
    s.add_argument('--get-peers', help='hex info-hash to look up every 2 s')
    a = p.parse_args()
    if a.cmd in ('seed', 'leech'):
        want = 1 if getattr(a, 'magnet', None) else 2
        if len(a.args) != want:
            p.error('%s expects %s' % (a.cmd, 'SAVE_PATH' if want == 1 else 'TORRENT SAVE_PATH'))
        return cmd_transfer(a, a.cmd == 'seed')
    return {'infohash': cmd_infohash, 'create': cmd_create, 'recheck': cmd_recheck, 'dht': cmd_dht}[a.cmd](a)


if __name__ == '__main__':
    sys.exit(main())
