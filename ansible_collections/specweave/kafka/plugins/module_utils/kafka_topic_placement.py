# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replica placement of ``kafka_topic``: balanced, rack-aware replica lists for a
replication-factor change that keep the current replicas and leaders (pure functions).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def broker_load(assignments):
    """Count replicas and preferred leaderships per broker over {topic: {partition: replicas}}."""
    replicas = {}
    leaders = {}
    for assignment in assignments:
        for brokers in assignment.values():
            for position, broker in enumerate(brokers):
                replicas[broker] = replicas.get(broker, 0) + 1
                if position == 0:
                    leaders[broker] = leaders.get(broker, 0) + 1
    return replicas, leaders


def _pick(candidates, used_racks, brokers, load, partition, order):
    def score(broker):
        rack = brokers.get(broker)
        rack_used = rack is not None and rack in used_racks
        return (rack_used, load.get(broker, 0), (order.index(broker) - partition) % len(order))
    return min(candidates, key=score)


def _fill(chosen, target_rf, brokers, load, partition, order):
    """Add replicas to ``chosen`` until it has ``target_rf``, each on the least loaded broker of
    a rack not used yet; ``load`` is updated in place."""
    while len(chosen) < target_rf:
        candidates = [b for b in order if b not in chosen]
        racks = set(brokers.get(b) for b in chosen if brokers.get(b) is not None)
        broker = _pick(candidates, racks, brokers, load, partition, order)
        chosen.append(broker)
        load[broker] = load.get(broker, 0) + 1
    return chosen


def place_replicas(assignment, brokers, target_rf, load=None, leader_load=None,
                   leaders=None, new_partitions=0):
    """New replica lists for one topic with ``target_rf`` replicas per partition.

    ``assignment`` {partition: [broker ids]} (current, preferred leader first), ``brokers``
    {broker_id: rack or None} of live brokers, ``load``/``leader_load`` {broker: count} updated
    in place so successive topics spread too, ``leaders`` {partition: current leader id}.
    Current replicas are kept (in order) when growing; when shrinking the current leader and
    the preferred leader are kept, replicas on dead brokers and on duplicated racks go first.
    ``new_partitions`` adds that many partitions after the existing ones, placed from scratch.
    Returns {partition: [broker ids]} for every partition (unchanged ones included).
    """
    if target_rf > len(brokers):
        raise ValueError("replication factor %d needs at least %d live brokers, only %d: %s"
                         % (target_rf, target_rf, len(brokers), sorted(brokers)))
    load = {} if load is None else load
    leader_load = {} if leader_load is None else leader_load
    leaders = leaders or {}
    order = sorted(brokers)
    result = {}
    for partition in sorted(assignment):
        current = list(assignment[partition])
        if len(current) < target_rf:
            result[partition] = _fill(list(current), target_rf, brokers, load, partition, order)
        elif len(current) > target_rf:
            chosen = list(current)
            keep = set([current[0], leaders.get(partition, -1)])
            while len(chosen) > target_rf:
                def removal_score(broker):
                    rack = brokers.get(broker)
                    same_rack = rack is not None and sum(
                        1 for b in chosen if brokers.get(b) == rack) > 1
                    return (broker not in keep, broker not in brokers, same_rack,
                            load.get(broker, 0), broker)
                victim = max(chosen, key=removal_score)
                chosen.remove(victim)
                load[victim] = max(load.get(victim, 0) - 1, 0)
            result[partition] = chosen
        else:
            result[partition] = current
    start = max(assignment) + 1 if assignment else 0
    for partition in range(start, start + new_partitions):
        first = min(order, key=lambda b: (leader_load.get(b, 0), load.get(b, 0),
                                          (order.index(b) - partition) % len(order)))
        chosen = [first]
        leader_load[first] = leader_load.get(first, 0) + 1
        load[first] = load.get(first, 0) + 1
        result[partition] = _fill(chosen, target_rf, brokers, load, partition, order)
    return result


def initial_replicas(target, current_rf, brokers, load):
    """Replicas to create a new partition with when the topic still has ``current_rf``."""
    if len(target) >= current_rf:
        return list(target[:current_rf])
    extra = [b for b in sorted(brokers, key=lambda b: (load.get(b, 0), b)) if b not in target]
    return list(target) + extra[:current_rf - len(target)]
