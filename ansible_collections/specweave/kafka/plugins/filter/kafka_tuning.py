# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: kafka_broker_tuning
short_description: Broker settings, JVM heap and GC options for a host's cores, memory and disks
version_added: 1.0.0
description:
  - Computes the kafka_broker role's tuned defaults from the host (C(ansible_facts) or given
    numbers). Every value is Apache Kafka's own default where the host gives no reason to differ.
  - "Formulas (C = vCPUs, M = memory in MiB, D = log directories, one per disk):"
  - "C(num.network.threads) = min(32, max(3, ceil(C / 2))): the network threads only move bytes
    between sockets and the request queue; half the cores, never fewer than Kafka's 3."
  - "C(num.io.threads) = min(128, max(8, 2 * C, 8 * D)): the request handlers wait on the disks;
    8 per disk (Kafka's 8 for one) or two per core, whichever is more."
  - "C(num.replica.fetchers) = min(8, max(2, ceil(C / 4))): more than one fetcher per source
    broker, so that a follower catches up on several partitions at once (it shortens acks=all
    waits); Kafka's default is 1."
  - "C(socket.send.buffer.bytes), C(socket.receive.buffer.bytes) and
    C(replica.socket.receive.buffer.bytes) = 1 MiB when M >= 4096, else Kafka's 102400 and
    65536: bigger TCP windows for batches of many records and for replication."
  - "C(num.recovery.threads.per.data.dir) = max(2, ceil(C / (2 * D))): faster log recovery after
    an unclean stop (Kafka's default is 1; the role has always set at least 2)."
  - "C(log.segment.bytes) = 1 GiB (Kafka's) unless disk_gb is given and below 100, then 256 MiB,
    so that retention can delete in smaller steps on small disks. The log flush settings stay at
    Kafka's defaults (no forced fsync: durability comes from replication and acks=all), the
    choice Kafka's documentation recommends."
  - "Heap = 512 MiB when M < 2048, else min(6 GiB, max(1 GiB, M / 4)) rounded down to 256 MiB:
    Kafka keeps little on the heap and serves reads from the OS page cache, which gets the rest
    of the memory. GC = G1 with C(MaxGCPauseMillis=20), C(InitiatingHeapOccupancyPercent=35),
    C(ExplicitGCInvokesConcurrent) (Kafka's own JVM performance options), plus
    C(G1HeapRegionSize=16M) from 4 GiB of heap."
options:
  _input:
    description:
      - The host - C(ansible_facts) (C(processor_vcpus) or C(processor_cores) times
        C(processor_count), C(memtotal_mb)) or a dict with C(cores) and C(memory_mb).
        Optional C(disks) (log directories, default 1) and C(disk_gb).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Tuned settings for this host
  ansible.builtin.set_fact:
    _kafka_broker_tuning: "{{ ansible_facts | specweave.kafka.kafka_broker_tuning }}"

- name: For a planned host of 8 cores, 32 GiB and 2 disks
  ansible.builtin.debug:
    msg: "{{ {'cores': 8, 'memory_mb': 32768, 'disks': 2} | specweave.kafka.kafka_broker_tuning }}"
"""

RETURN = r"""
_value:
  description: The tuned settings.
  type: dict
  contains:
    properties:
      description: server.properties settings (strings, as the role writes them).
      type: dict
    heap:
      description: JVM heap (C(-Xms) and C(-Xmx)), for example C(6g) or C(1536m).
      type: str
    gc_opts:
      description: JVM GC options.
      type: str
    host:
      description: The cores, memory, disks read from the input.
      type: dict
"""

import math

from ansible.errors import AnsibleFilterError

MIB = 1024 * 1024
GC_OPTS = ("-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 "
           "-XX:+ExplicitGCInvokesConcurrent")


class TuningError(ValueError):
    pass


def host_of(data):
    """cores, memory_mb, disks, disk_gb from ansible_facts or a plain dict."""
    if not isinstance(data, dict):
        raise TuningError("the input must be ansible_facts or a dict with cores and memory_mb")
    cores = data.get("cores") or data.get("processor_vcpus")
    if not cores and data.get("processor_cores") and data.get("processor_count"):
        cores = data["processor_cores"] * data["processor_count"]
    memory = data.get("memory_mb")
    if memory is None or isinstance(memory, dict):  # ansible_facts' memory_mb is a breakdown
        memory = data.get("memtotal_mb")
    disks = 1 if data.get("disks") is None else data["disks"]
    for name, value in (("cores", cores), ("memory_mb", memory), ("disks", disks)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise TuningError("%s must be a whole number of 1 or more (from ansible_facts: "
                              "processor_vcpus, memtotal_mb), got %r" % (name, value))
    disk_gb = data.get("disk_gb")
    if disk_gb is not None and (isinstance(disk_gb, bool) or not isinstance(disk_gb, (int, float))
                                or disk_gb <= 0):
        raise TuningError("disk_gb must be a number more than 0, got %r" % (disk_gb,))
    return {"cores": cores, "memory_mb": memory, "disks": disks, "disk_gb": disk_gb}


def heap_mb(memory_mb):
    if memory_mb < 2048:
        return 512
    return int(min(6144, max(1024, memory_mb // 4)) // 256 * 256)


def tuning(data):
    host = host_of(data)
    cores, memory, disks = host["cores"], host["memory_mb"], host["disks"]
    big = memory >= 4096
    properties = {
        "num.network.threads": min(32, max(3, int(math.ceil(cores / 2.0)))),
        "num.io.threads": min(128, max(8, 2 * cores, 8 * disks)),
        "num.replica.fetchers": min(8, max(2, int(math.ceil(cores / 4.0)))),
        "socket.send.buffer.bytes": MIB if big else 102400,
        "socket.receive.buffer.bytes": MIB if big else 102400,
        "replica.socket.receive.buffer.bytes": MIB if big else 65536,
        "num.recovery.threads.per.data.dir": max(2, int(math.ceil(cores / (2.0 * disks)))),
        "log.segment.bytes": (256 * MIB if host["disk_gb"] is not None and host["disk_gb"] < 100
                              else 1024 * MIB),
    }
    heap = heap_mb(memory)
    return {
        "properties": dict((key, str(value)) for key, value in properties.items()),
        "heap": "%dg" % (heap // 1024) if heap % 1024 == 0 else "%dm" % heap,
        "gc_opts": GC_OPTS + (" -XX:G1HeapRegionSize=16M" if heap >= 4096 else ""),
        "host": host,
    }


def kafka_broker_tuning(data):
    try:
        return tuning(data)
    except TuningError as exc:
        raise AnsibleFilterError("kafka_broker_tuning: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"kafka_broker_tuning": kafka_broker_tuning}
