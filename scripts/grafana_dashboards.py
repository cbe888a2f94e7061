"""Writes the kafka_monitoring role's Grafana dashboards (roles/kafka_monitoring/files/dashboards).

The dashboards are defined here as data and written in the form Grafana's dashboard model gives
back (grafana-foundation-sdk decode + encode), so that tests/integration/monitoring/
test_dashboards.py can require every file to be a fixed point of that model. Run it after editing
a panel, then update the panel tables of docs/docsite/rst/kafka_monitoring_dashboards.rst (the
test compares them):

    .venv/bin/python scripts/grafana_dashboards.py          # write the files
    .venv/bin/python scripts/grafana_dashboards.py --check  # exit 1 if a file differs
    .venv/bin/python scripts/grafana_dashboards.py --docs-tables  # the panel tables of the docs page
"""
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from testbed.grafana import DATASOURCE_REF, canonical, dashboard_errors, model_errors  # noqa: E402

OUT = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "roles", "kafka_monitoring",
                   "files", "dashboards")
C = 'kafka_cluster=~"$cluster"'
CN = 'kafka_cluster=~"$cluster", kafka_node=~"$node"'
RATE = "[$__rate_interval]"


def target(expr, legend="", ref="A", table=False):
    query = {"refId": ref, "expr": expr, "datasource": dict(DATASOURCE_REF), "editorMode": "code",
             "range": not table, "instant": table, "legendFormat": legend or "__auto"}
    if table:
        query["format"] = "table"
    return query


def thresholds(*steps):
    """steps: color, then (value, color) pairs; the first step has no lower bound."""
    result = [{"color": steps[0], "value": None}]
    result += [{"color": color, "value": value} for value, color in steps[1:]]
    return {"mode": "absolute", "steps": result}


def panel(kind, title, description, unit, targets, width, height, **extra):
    defaults = {"unit": unit, "thresholds": extra.pop("thresholds", thresholds("green")),
                "color": {"mode": extra.pop("color_mode", "palette-classic" if kind == "timeseries" else "thresholds")}}
    for key in ("min", "max", "decimals"):
        if key in extra:
            defaults[key] = extra.pop(key)
    return {"type": kind, "title": title, "description": description,
            "datasource": dict(DATASOURCE_REF), "targets": targets,
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": extra.pop("options"), "_size": (width, height)}


def stat(title, description, expr, unit="none", width=4, **extra):
    options = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
               "colorMode": "value", "graphMode": "area", "justifyMode": "auto",
               "orientation": "auto", "textMode": "auto"}
    return panel("stat", title, description, unit, [target(expr, extra.pop("legend", ""))], width, 4,
                 options=options, **extra)


def gauge(title, description, expr, unit="percentunit", width=6, height=6, **extra):
    options = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
               "orientation": "auto", "showThresholdLabels": False, "showThresholdMarkers": True}
    extra.setdefault("min", 0)
    extra.setdefault("max", 1)
    return panel("gauge", title, description, unit, [target(expr, extra.pop("legend", ""))], width, height,
                 options=options, **extra)


def timeseries(title, description, queries, unit, width=12, **extra):
    """queries: [(expr, legend)]."""
    targets = [target(expr, legend, chr(ord("A") + index)) for index, (expr, legend) in enumerate(queries)]
    options = {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True, "calcs": []},
               "tooltip": {"mode": "multi", "sort": "desc"}}
    return panel("timeseries", title, description, unit, targets, width, 8, options=options, **extra)


def table(title, description, expr, unit="none", width=12, height=8, **extra):
    options = {"showHeader": True, "cellHeight": "sm",
               "footer": {"show": False, "reducer": ["sum"], "countRows": False}}
    return panel("table", title, description, unit, [target(expr, table=True)], width, height,
                 options=options, **extra)


def variable(name, label, query, multi=True):
    return {"type": "query", "name": name, "label": label, "datasource": dict(DATASOURCE_REF),
            "query": {"qryType": 1, "query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
            "refresh": 2, "sort": 1, "regex": "", "multi": multi, "includeAll": multi,
            **({"allValue": ".+"} if multi else {})}


DATASOURCE_VARIABLE = {"type": "datasource", "name": "datasource", "label": "Data source",
                       "query": "prometheus", "refresh": 1, "regex": ""}
CLUSTER_VARIABLE = variable("cluster", "Cluster", "label_values(kafka_server_state, kafka_cluster)", multi=False)


def dashboard(uid, title, description, variables, panels):
    x = y = row_height = 0
    for number, item in enumerate(panels, start=1):
        width, height = item.pop("_size")
        if x + width > 24:
            x, y, row_height = 0, y + row_height, 0
        item["id"] = number
        item["gridPos"] = {"h": height, "w": width, "x": x, "y": y}
        x += width
        row_height = max(row_height, height)
    return {
        "uid": uid, "title": title, "description": description, "tags": ["kafka", "specweave"],
        "schemaVersion": 41, "editable": True, "graphTooltip": 1, "timezone": "browser",
        "time": {"from": "now-1h", "to": "now"}, "refresh": "30s",
        "annotations": {"list": []},
        "links": [{"title": "Kafka dashboards", "type": "dashboards", "tags": ["kafka", "specweave"],
                   "asDropdown": True, "includeVars": True, "keepTime": True}],
        "templating": {"list": [DATASOURCE_VARIABLE, CLUSTER_VARIABLE] + variables},
        "panels": panels,
    }


def overview():
    return dashboard("kafka-overview", "Kafka / Cluster overview",
                     "Health and throughput of one Kafka cluster at a glance.", [], [
        stat("Active controllers", "KRaft controllers that are active: exactly 1 on a healthy cluster.",
             'sum(kafka_controller_active{%s})' % C, thresholds=thresholds("red", (1, "green"), (2, "red"))),
        stat("Brokers running", "Brokers whose state is RUNNING (3).",
             'sum(kafka_server_state{%s} == bool 3)' % C, thresholds=thresholds("red", (1, "green"))),
        stat("Fenced brokers", "Brokers the active controller has fenced.",
             'sum(kafka_controller_brokers_fenced{%s})' % C, thresholds=thresholds("green", (1, "red"))),
        stat("Offline partitions", "Partitions without a leader: their data cannot be read or written.",
             'sum(kafka_controller_partitions_offline{%s})' % C, thresholds=thresholds("green", (1, "red"))),
        stat("Under-replicated partitions", "Partitions whose ISR is smaller than their replica set.",
             'sum(kafka_server_partitions_under_replicated{%s})' % C, thresholds=thresholds("green", (1, "orange"))),
        stat("Under min ISR partitions", "Partitions below min.insync.replicas: acks=all producers fail.",
             'sum(kafka_server_partitions_under_min_isr{%s})' % C, thresholds=thresholds("green", (1, "red"))),
        stat("Topics", "Topics in the cluster.", 'sum(kafka_controller_topics{%s})' % C, thresholds=thresholds("blue")),
        stat("Partitions", "Partitions in the cluster.", 'sum(kafka_controller_partitions{%s})' % C,
             thresholds=thresholds("blue")),
        stat("Total consumer lag", "Messages consumer groups still have to read, all groups.",
             'sum(kafka_consumer_group_lag_sum{%s})' % C, thresholds=thresholds("green"), unit="short"),
        gauge("Request handler idle (lowest node)", "Idle fraction of the busiest node's request handler threads.",
              'min(kafka_server_request_handler_idle_ratio{%s})' % C,
              thresholds=thresholds("red", (0.2, "orange"), (0.3, "green")), width=4, height=4),
        stat("Preferred replica imbalance", "Partitions not led by their preferred replica.",
             'sum(kafka_controller_preferred_replica_imbalance{%s})' % C, thresholds=thresholds("green", (1, "orange"))),
        stat("Targets down", "Scrape targets of this cluster that Prometheus cannot reach.",
             'count(up{%s} == 0) or vector(0)' % C, thresholds=thresholds("green", (1, "red"))),
        timeseries("Messages in", "Messages appended per second, whole cluster.",
                   [('sum(rate(kafka_server_messages_in_total{%s}%s))' % (C, RATE), "messages in")], "cps"),
        timeseries("Bytes in and out", "Bytes produced and fetched by clients per second, whole cluster.",
                   [('sum(rate(kafka_server_produced_bytes_total{%s}%s))' % (C, RATE), "in (produced)"),
                    ('sum(rate(kafka_server_fetched_bytes_total{%s}%s))' % (C, RATE), "out (fetched)")], "Bps"),
        timeseries("Requests", "Produce and fetch requests per second, whole cluster.",
                   [('sum(rate(kafka_server_requests_produce_total{%s}%s))' % (C, RATE), "produce"),
                    ('sum(rate(kafka_server_requests_fetch_total{%s}%s))' % (C, RATE), "fetch")], "reqps"),
        timeseries("Consumer lag per group", "Sum of the lag of each consumer group.",
                   [('sum by (group) (kafka_consumer_group_lag_sum{%s})' % C, "{{group}}")], "short"),
        table("Scrape targets", "Every target Prometheus scrapes for this cluster (1 = up).",
              'up{%s}' % C, width=24, height=8),
    ])


def brokers():
    node = variable("node", "Node", 'label_values(kafka_server_state{%s}, kafka_node)' % C)
    return dashboard("kafka-brokers", "Kafka / Brokers",
                     "Per-broker partitions, throughput, request processing and metadata.", [node], [
        table("Broker state", "State of each broker (3 = RUNNING).", 'kafka_server_state{%s}' % CN, width=12, height=6),
        stat("Offline log directories", "Log directories the brokers could not use.",
             'sum(kafka_server_log_dirs_offline{%s})' % CN, thresholds=thresholds("green", (1, "red")), width=6),
        stat("Offline replicas", "Replicas hosted by these brokers that are offline.",
             'sum(kafka_server_replicas_offline{%s})' % CN, thresholds=thresholds("green", (1, "red")), width=6),
        timeseries("Partitions per broker", "Partition replicas hosted by each broker.",
                   [('kafka_server_partitions{%s}' % CN, "{{kafka_node}}")], "short"),
        timeseries("Leaders per broker", "Partitions each broker leads.",
                   [('kafka_server_leaders{%s}' % CN, "{{kafka_node}}")], "short"),
        timeseries("Under-replicated partitions per broker", "Partitions led by the broker whose ISR is incomplete.",
                   [('kafka_server_partitions_under_replicated{%s}' % CN, "{{kafka_node}}")], "short"),
        timeseries("ISR shrinks and expands", "ISR changes per second: steady shrinking means a slow or failing follower.",
                   [('sum by (kafka_node) (rate(kafka_server_isr_shrinks_total{%s}%s))' % (CN, RATE), "{{kafka_node}} shrinks"),
                    ('sum by (kafka_node) (rate(kafka_server_isr_expands_total{%s}%s))' % (CN, RATE), "{{kafka_node}} expands")],
                   "ops"),
        timeseries("Bytes in per broker", "Bytes produced by clients per second on each broker.",
                   [('sum by (kafka_node) (rate(kafka_server_produced_bytes_total{%s}%s))' % (CN, RATE), "{{kafka_node}}")], "Bps"),
        timeseries("Bytes out per broker", "Bytes fetched by clients per second from each broker.",
                   [('sum by (kafka_node) (rate(kafka_server_fetched_bytes_total{%s}%s))' % (CN, RATE), "{{kafka_node}}")], "Bps"),
        timeseries("Replication bytes in per broker", "Bytes each broker fetches from partition leaders per second.",
                   [('sum by (kafka_node) (rate(kafka_server_replication_fetched_bytes_total{%s}%s))' % (CN, RATE),
                     "{{kafka_node}}")], "Bps"),
        timeseries("Requests per broker", "Produce and fetch requests per second on each broker.",
                   [('sum by (kafka_node) (rate(kafka_server_requests_produce_total{%s}%s))' % (CN, RATE), "{{kafka_node}} produce"),
                    ('sum by (kafka_node) (rate(kafka_server_requests_fetch_total{%s}%s))' % (CN, RATE), "{{kafka_node}} fetch")],
                   "reqps"),
        timeseries("Failed requests per broker", "Produce and fetch requests per second that failed.",
                   [('sum by (kafka_node) (rate(kafka_server_requests_produce_failed_total{%s}%s))' % (CN, RATE),
                     "{{kafka_node}} produce"),
                    ('sum by (kafka_node) (rate(kafka_server_requests_fetch_failed_total{%s}%s))' % (CN, RATE),
                     "{{kafka_node}} fetch")], "reqps"),
        timeseries("Request time p99", "99th percentile of the total time of produce, fetch and metadata requests.",
                   [('kafka_server_request_time_p99_milliseconds{%s}' % CN, "{{kafka_node}} {{request}}")], "ms"),
        timeseries("Request time mean", "Mean total time of produce, fetch and metadata requests.",
                   [('kafka_server_request_time_mean_milliseconds{%s}' % CN, "{{kafka_node}} {{request}}")], "ms"),
        timeseries("Request handler idle", "Idle fraction of the request handler threads; below 0.3 the broker is saturated.",
                   [('kafka_server_request_handler_idle_ratio{%s}' % CN, "{{kafka_node}}")], "percentunit", min=0, max=1),
        timeseries("Network processor idle", "Idle fraction of the network threads; below 0.3 the broker is saturated.",
                   [('kafka_server_network_processor_idle_ratio{%s}' % CN, "{{kafka_node}}")], "percentunit", min=0, max=1),
        timeseries("Request queue", "Requests waiting for a handler thread.",
                   [('kafka_server_request_queue{%s}' % CN, "{{kafka_node}}")], "short"),
        timeseries("Metadata lag", "Age of the last metadata record each broker applied.",
                   [('kafka_server_metadata_lag_milliseconds{%s}' % CN, "{{kafka_node}}")], "ms"),
    ])


def topics():
    topic = variable("topic", "Topic", 'label_values(kafka_server_log_size_bytes{%s}, topic)' % C)
    CT = 'kafka_cluster=~"$cluster", topic=~"$topic"'
    return dashboard("kafka-topics", "Kafka / Topics and partitions",
                     "Per-topic throughput, size on disk and offsets.", [topic], [
        stat("Topics shown", "Topics with replicas on the brokers that match the selection.",
             'count(count by (topic) (kafka_server_log_size_bytes{%s}))' % CT, thresholds=thresholds("blue"), width=6),
        stat("Size on disk", "Bytes of all replicas of the selected topics.",
             'sum(kafka_server_log_size_bytes{%s})' % CT, unit="bytes", thresholds=thresholds("blue"), width=6),
        stat("Messages in", "Messages appended per second to the selected topics.",
             'sum(rate(kafka_server_topic_messages_in_total{%s}%s))' % (CT, RATE), unit="cps",
             thresholds=thresholds("blue"), width=6),
        stat("Partitions", "Partitions of the selected topics (lag exporter's view of the metadata).",
             'sum(kafka_topic_partitions{%s})' % CT, thresholds=thresholds("blue"), width=6),
        timeseries("Messages in per topic", "Messages appended per second.",
                   [('sum by (topic) (rate(kafka_server_topic_messages_in_total{%s}%s))' % (CT, RATE), "{{topic}}")], "cps"),
        timeseries("Bytes in per topic", "Bytes produced per second.",
                   [('sum by (topic) (rate(kafka_server_topic_produced_bytes_total{%s}%s))' % (CT, RATE), "{{topic}}")], "Bps"),
        timeseries("Bytes out per topic", "Bytes fetched by consumers per second.",
                   [('sum by (topic) (rate(kafka_server_topic_fetched_bytes_total{%s}%s))' % (CT, RATE), "{{topic}}")], "Bps"),
        timeseries("Size on disk per topic", "Bytes of all replicas of each topic.",
                   [('sum by (topic) (kafka_server_log_size_bytes{%s})' % CT, "{{topic}}")], "bytes"),
        table("Partition size", "Size of the largest replica of each partition.",
              'max by (topic, partition) (kafka_server_log_size_bytes{%s})' % CT, unit="bytes", width=12, height=10),
        table("Partition end offsets", "Log end offset of each partition (its leader's view).",
              'max by (topic, partition) (kafka_server_log_end_offset{%s})' % CT, width=12, height=10),
        timeseries("Partitions per topic", "Partitions of each topic (lag exporter).",
                   [('kafka_topic_partitions{%s}' % CT, "{{topic}}")], "short"),
        timeseries("Produce rate per partition", "Offsets added per second to each partition (lag exporter).",
                   [('sum by (topic, partition) (rate(kafka_partition_current_offset{%s}%s))' % (CT, RATE),
                     "{{topic}}/{{partition}}")], "cps"),
    ])


def consumer_groups():
    group = variable("group", "Consumer group", 'label_values(kafka_consumer_group_lag{%s}, group)' % C)
    topic = variable("topic", "Topic", 'label_values(kafka_consumer_group_lag{%s, group=~"$group"}, topic)' % C)
    CG = 'kafka_cluster=~"$cluster", group=~"$group", topic=~"$topic"'
    CGG = 'kafka_cluster=~"$cluster", group=~"$group"'
    return dashboard("kafka-consumer-groups", "Kafka / Consumer groups and lag",
                     "Consumer lag per group, topic and partition, from the kafkametrics lag exporter.",
                     [group, topic], [
        stat("Total lag", "Messages the selected groups still have to read.",
             'sum(kafka_consumer_group_lag{%s})' % CG, unit="short", thresholds=thresholds("green", (1000, "orange"))),
        stat("Highest partition lag", "Lag of the partition furthest behind.",
             'max(kafka_consumer_group_lag{%s})' % CG, unit="short", thresholds=thresholds("green", (1000, "orange"))),
        stat("Groups", "Consumer groups that match the selection.",
             'count(count by (group) (kafka_consumer_group_lag{%s}))' % CG, thresholds=thresholds("blue")),
        stat("Members", "Members of the selected groups.",
             'sum(kafka_consumer_group_members{%s})' % CGG, thresholds=thresholds("blue")),
        stat("Consumption rate", "Offsets committed per second by the selected groups.",
             'sum(rate(kafka_consumer_group_offset{%s}%s))' % (CG, RATE), unit="cps", thresholds=thresholds("blue"),
             width=8),
        timeseries("Lag per group and topic", "Sum of the partition lags of each group on each topic.",
                   [('sum by (group, topic) (kafka_consumer_group_lag_sum{%s})' % CG, "{{group}} / {{topic}}")], "short"),
        timeseries("Lag per partition", "Lag of each partition each group reads.",
                   [('kafka_consumer_group_lag{%s}' % CG, "{{group}} / {{topic}} / {{partition}}")], "short"),
        timeseries("Consumption rate per group", "Offsets committed per second by each group on each topic.",
                   [('sum by (group, topic) (rate(kafka_consumer_group_offset{%s}%s))' % (CG, RATE), "{{group}} / {{topic}}")],
                   "cps"),
        timeseries("Members per group", "Members of each consumer group.",
                   [('kafka_consumer_group_members{%s}' % CGG, "{{group}}")], "short"),
        table("Lag by partition", "Committed offset and lag of each partition, now.",
              'kafka_consumer_group_lag{%s}' % CG, unit="short", width=24, height=10),
    ])


def kraft_quorum():
    return dashboard("kafka-kraft-quorum", "Kafka / KRaft quorum",
                     "The KRaft metadata quorum: leader, voters, epochs, replication of the metadata log.", [], [
        stat("Quorum leader", "Node id of the quorum leader, as the nodes see it (-1: none).",
             'max(kafka_raft_leader{%s})' % C, thresholds=thresholds("red", (0, "green"))),
        stat("Voters", "Voters of the metadata quorum.", 'max(kafka_raft_voters{%s})' % C,
             thresholds=thresholds("blue")),
        stat("Unknown voter connections", "Voters the quorum leader cannot reach.",
             'max(kafka_raft_unknown_voter_connections{%s})' % C, thresholds=thresholds("green", (1, "red"))),
        stat("Active controllers", "Active KRaft controllers: exactly 1 on a healthy cluster.",
             'sum(kafka_controller_active{%s})' % C, thresholds=thresholds("red", (1, "green"), (2, "red"))),
        stat("Epoch", "Current quorum epoch; it grows with every leader election.",
             'max(kafka_raft_epoch{%s})' % C, thresholds=thresholds("blue")),
        stat("Metadata errors", "Metadata errors on controllers plus records brokers failed to apply.",
             'sum(kafka_controller_metadata_errors{%s}) + sum(kafka_server_metadata_apply_errors{%s})' % (C, C),
             thresholds=thresholds("green", (1, "red"))),
        table("Leader seen by each node", "The quorum leader each node knows; all must agree.",
              'kafka_raft_leader{%s}' % C, width=12, height=8),
        timeseries("Epoch per node", "Quorum epoch per node: a rising epoch means repeated elections.",
                   [('kafka_raft_epoch{%s}' % C, "{{kafka_node}}")], "short"),
        timeseries("High watermark per node", "Metadata log high watermark each node knows.",
                   [('kafka_raft_high_watermark{%s}' % C, "{{kafka_node}}")], "short"),
        timeseries("Metadata log behind the leader", "Offsets by which each node's metadata log end trails the furthest one.",
                   [('max by (kafka_cluster) (kafka_raft_log_end_offset{%s}) - on (kafka_cluster) group_right '
                     'kafka_raft_log_end_offset{%s}' % (C, C), "{{kafka_node}}")], "short"),
        timeseries("Commit latency", "Average commit latency of the metadata log.",
                   [('kafka_raft_commit_latency_milliseconds{%s}' % C, "{{kafka_node}}")], "ms"),
        timeseries("Controller metadata lag", "Age of the last metadata record each controller applied.",
                   [('kafka_controller_metadata_lag_milliseconds{%s}' % C, "{{kafka_node}}")], "ms"),
        timeseries("Controller event queue idle", "Idle fraction of the controller event thread.",
                   [('kafka_controller_event_queue_idle_ratio{%s}' % C, "{{kafka_node}}")], "percentunit", min=0, max=1),
        timeseries("Brokers active and fenced", "Registered brokers the active controller counts.",
                   [('sum(kafka_controller_brokers_active{%s})' % C, "active"),
                    ('sum(kafka_controller_brokers_fenced{%s})' % C, "fenced")], "short"),
    ])


def jvm():
    node = variable("node", "Node", 'label_values(up{job="kafka", %s}, kafka_node)' % C)
    return dashboard("kafka-jvm", "Kafka / JVM",
                     "Memory, garbage collection, threads and CPU of every Kafka node's JVM.", [node], [
        gauge("Heap used", "Heap in use against the heap limit, per node.",
              'sum by (kafka_node) (jvm_memory_used_bytes{%s, jvm_memory_type="heap"}) / sum by (kafka_node) '
              '(jvm_memory_limit_bytes{%s, jvm_memory_type="heap"})' % (CN, CN),
              thresholds=thresholds("green", (0.8, "orange"), (0.9, "red")), width=12, legend="{{kafka_node}}"),
        gauge("CPU utilization", "Recent CPU utilization of each JVM.",
              'jvm_cpu_recent_utilization_ratio{%s}' % CN,
              thresholds=thresholds("green", (0.7, "orange"), (0.9, "red")), width=12, legend="{{kafka_node}}"),
        timeseries("Heap memory", "Heap used and committed per node.",
                   [('sum by (kafka_node) (jvm_memory_used_bytes{%s, jvm_memory_type="heap"})' % CN, "{{kafka_node}} used"),
                    ('sum by (kafka_node) (jvm_memory_committed_bytes{%s, jvm_memory_type="heap"})' % CN,
                     "{{kafka_node}} committed")], "bytes"),
        timeseries("Non-heap memory", "Metaspace, code cache and other non-heap pools used per node.",
                   [('sum by (kafka_node) (jvm_memory_used_bytes{%s, jvm_memory_type="non_heap"})' % CN, "{{kafka_node}}")],
                   "bytes"),
        timeseries("Memory pools", "Memory used by each pool.",
                   [('jvm_memory_used_bytes{%s}' % CN, "{{kafka_node}} {{jvm_memory_pool_name}}")], "bytes"),
        timeseries("GC time", "Fraction of time spent in garbage collection, per node and collector.",
                   [('sum by (kafka_node, jvm_gc_name) (rate(jvm_gc_duration_seconds_sum{%s}%s))' % (CN, RATE),
                     "{{kafka_node}} {{jvm_gc_name}}")], "percentunit"),
        timeseries("GC collections", "Garbage collections per second, per node and collector.",
                   [('sum by (kafka_node, jvm_gc_name) (rate(jvm_gc_duration_seconds_count{%s}%s))' % (CN, RATE),
                     "{{kafka_node}} {{jvm_gc_name}}")], "ops"),
        timeseries("Threads", "Live threads per node.",
                   [('sum by (kafka_node) (jvm_thread_count{%s})' % CN, "{{kafka_node}}")], "short"),
        timeseries("CPU time", "CPU seconds per second used by each JVM.",
                   [('rate(jvm_cpu_time_seconds_total{%s}%s)' % (CN, RATE), "{{kafka_node}}")], "percentunit"),
        timeseries("Loaded classes", "Classes loaded in each JVM.",
                   [('jvm_class_count{%s}' % CN, "{{kafka_node}}")], "short"),
    ])


DASHBOARDS = {
    "kafka-cluster-overview.json": overview,
    "kafka-brokers.json": brokers,
    "kafka-topics.json": topics,
    "kafka-consumer-groups.json": consumer_groups,
    "kafka-kraft-quorum.json": kraft_quorum,
    "kafka-jvm.json": jvm,
}


def render():
    """{file name: text} of every dashboard, in the SDK's canonical form."""
    files = {}
    for name, build in DASHBOARDS.items():
        data = build()
        lost = [error for error in model_errors(data) if "missing (the model gives" not in error]
        if lost:
            raise SystemExit("%s: %s" % (name, "\n".join(lost)))
        data = canonical(data)
        errors = dashboard_errors(data)
        if errors:
            raise SystemExit("%s: %s" % (name, "\n".join(errors)))
        files[name] = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return files


def docs_table(data):
    """The RST panel table of one dashboard, for docs/docsite/rst/kafka_monitoring_dashboards.rst."""
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 20 30 12 38", "",
             "   * - Panel", "     - What it shows", "     - Visualization (unit)", "     - Query (PromQL)"]
    for item in data["panels"]:
        queries = " ".join("``%s``" % target["expr"] for target in item["targets"])
        lines += ["   * - %s" % item["title"], "     - %s" % item["description"],
                  "     - %s (%s)" % (item["type"], item["fieldConfig"]["defaults"]["unit"]), "     - %s" % queries]
    return "\n".join(lines) + "\n"


def main(argv):
    if "--docs-tables" in argv:
        for name, text in render().items():
            print("%s\n\n%s" % (name, docs_table(json.loads(text))))
        return 0
    check = "--check" in argv
    stale = []
    for name, text in render().items():
        path = os.path.join(OUT, name)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current == text:
            continue
        stale.append(name)
        if not check:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
    if check and stale:
        print("out of date: %s (run scripts/grafana_dashboards.py)" % ", ".join(stale))
        return 1
    print("%s: %s" % ("stale" if stale else "up to date", ", ".join(stale) or "all"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
