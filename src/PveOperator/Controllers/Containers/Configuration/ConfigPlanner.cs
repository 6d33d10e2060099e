using System.Globalization;
using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// Decides the configuration's next step for a container in its desired power state: read the config when it is due
/// (a spec change, our own write, a snapshot that shows a difference, the budgeted refresh), apply the difference with
/// one PUT, grow disks, restart for pending keys when restartPolicy IfRequired allows it, and say what is in sync.
/// Pure, like <see cref="ContainerPlanner"/>; ConfigPlannerTests has a row per rule.
/// </summary>
internal static class ConfigPlanner
{
    public static ConfigDecision Plan(ContainerFacts f, ContainerControllerSettings s, string node, LiveState live)
    {
        var history = f.History;
        var spec = f.Spec;
        if (!ConfigDiff.Manages(spec) && !Moves(f, node))
        {
            // Nothing to read; a changed create block is still worth saying.
            return CreateChanges(f) is { Count: > 0 } changed
                ? new ConfigDecision(null, new SyncOutcome(false, Reasons.RequiresReplacement, ReplacementMessage(f, changed), [], [], RestartMessage(f, [])), history)
                : new ConfigDecision(null, null, history);
        }

        if (f.ConfigRead is not { } read)
        {
            history = SpreadFirstRead(f, s, history);
            return ReadDue(f, s, history)
                ? new ConfigDecision(new ContainerStep.ReadConfiguration(node) { History = history }, null, history)
                : new ConfigDecision(null, null, history, UntilNextRead(f, s, history));
        }

        var change = ConfigDiff.Compute(spec, read);
        var drift = Moves(f, node) ? [.. change.Drift, new DriftEntry { Field = "node", Desired = spec.Node, Actual = node }] : change.Drift;
        var pending = read.PendingKeys;
        var restartMessage = RestartMessage(f, pending);
        SyncOutcome Sync(bool synced, string reason, string message) => new(synced, reason, message, drift, pending, restartMessage);

        // A preview: even a smaller disk or a spec problem is only listed, nothing is refused or written.
        if (f.ObserveOnly)
        {
            return new ConfigDecision(null, change.Problems.Count > 0
                ? Sync(false, Reasons.InvalidSpec, string.Join("; ", change.Problems))
                : drift.Count == 0
                ? Sync(true, Reasons.InSync, $"CT {f.Vmid}'s configuration matches the spec")
                : Sync(false, Reasons.ObserveOnly, $"{Fields(drift)} differ from the spec; managementPolicy ObserveOnly writes nothing: this is what Full would change"), history);
        }

        if (change.Problems.Count > 0)
        {
            var problem = string.Join("; ", change.Problems);
            return Stop(Sync(false, Reasons.InvalidSpec, problem), Reasons.InvalidSpec, problem, s, history);
        }

        if (change.Shrinks.Count > 0)
        {
            var shrinks = string.Join(", ", change.Shrinks.Select(field => $"{field} {Show(drift, field)}"));
            var message = $"{shrinks}: Proxmox VE cannot shrink a disk, so nothing was sent. Set the size back to at least what PVE has, or create a new container with the smaller disk";
            return Stop(Sync(false, Reasons.CannotShrink, message), Reasons.CannotShrink, message, s, history);
        }

        if (change.HasWrite || change.Resizes.Count > 0 || (pending.Count > 0 && RestartsFor(f, live)))
        {
            if (history.InBackoff(f.Now, f.Generation))
            {
                return new ConfigDecision(null, Sync(false, Reasons.Drifted, $"{Fields(drift)} differ from the spec; retrying after the last failure"),
                    history, history.BackoffRemaining(f.Now));
            }

            if (change.HasWrite)
            {
                if (f.ConfigWritten)
                {
                    // Written in this very reconcile and still different: PVE keeps something else than was sent. Say so and
                    // back off instead of writing in a loop.
                    history = history.Failed(f.Now, f.Generation, s.FailureBackoffBase, s.FailureBackoffMax);
                    return new ConfigDecision(null, Sync(false, Reasons.Drifted,
                        $"{Fields(change.Drift)} still differ after the write (PVE keeps another value); retrying in {DurationFormat.Format(history.BackoffRemaining(f.Now))}"),
                        history, history.BackoffRemaining(f.Now));
                }

                return new ConfigDecision(new ContainerStep.WriteConfiguration(node, change, read.Digest) { History = history }, null, history);
            }

            if (change.Resizes.Count > 0)
            {
                return new ConfigDecision(new ContainerStep.SendConfigOperation(node, OperationType.Resize, Resize: change.Resizes[0]) { History = history }, null, history);
            }

            return new ConfigDecision(SlotStep(f, s, node, new ContainerStep.SendConfigOperation(node, OperationType.Restart, Running: true), history), null, history);
        }

        if (drift.Count > 0)
        {
            return new ConfigDecision(null, Sync(false, Reasons.Drifted, $"{Fields(drift)} differ from the spec"), history);
        }

        return Replacements(f, read) is { Count: > 0 } fields
            ? new ConfigDecision(null, Sync(false, Reasons.RequiresReplacement, ReplacementMessage(f, fields)), history)
            : new ConfigDecision(null, Sync(true, Reasons.InSync, $"CT {f.Vmid}'s configuration matches the spec"), history);
    }

    /// <summary>
    /// A pinned spec.node that is not where the container is: migrate it there (restart mode when running: containers
    /// cannot live-migrate). Without spec.node a move made outside is followed, never corrected.
    /// </summary>
    public static ContainerStep? Migration(ContainerFacts f, ContainerControllerSettings s, string node, LiveState live)
    {
        if (!Moves(f, node) || f.ObserveOnly || f.Deleting || !string.IsNullOrEmpty(live.Lock) || f.History.InBackoff(f.Now, f.Generation))
        {
            return null;
        }

        return SlotStep(f, s, node, new ContainerStep.SendConfigOperation(node, OperationType.Migrate, Target: f.Spec.Node, Running: live.Running), f.History);
    }

    /// <summary>What the planner says when a config write, resize, restart or migration fails; null for the generic handling.</summary>
    public static ContainerStep? OnError(ContainerFacts f, ContainerControllerSettings s, PveApiException error)
    {
        if (f.FailedStep is not (ContainerStep.WriteConfiguration or ContainerStep.SendConfigOperation or ContainerStep.ReadConfiguration))
        {
            return null;
        }

        var vmid = f.Vmid;
        if (error.Kind == PveErrorKind.DigestMismatch)
        {
            // Someone changed the config between our read and our write: read it again and decide afresh.
            return new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.Drifted, $"CT {vmid}'s config changed while it was being updated; reading it again"), TimeSpan.Zero)
            {
                History = f.History with { ConfigStale = true },
            };
        }

        if (error.Kind == PveErrorKind.CannotShrink)
        {
            var history = f.History.Failed(f.Now, f.Generation, s.FailureBackoffBase, s.FailureBackoffMax) with { ConfigStale = true };
            return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.CannotShrink, $"CT {vmid}: {error.Message}: Proxmox VE cannot shrink a disk", warn: true),
                history.BackoffRemaining(f.Now)) { History = history };
        }

        if (error.Kind == PveErrorKind.Validation && f.FailedStep is not ContainerStep.ReadConfiguration)
        {
            var history = f.History.Failed(f.Now, f.Generation, s.FailureBackoffBase, s.FailureBackoffMax) with { ConfigStale = true };
            var what = f.FailedStep is ContainerStep.SendConfigOperation { Type: var type } ? ContainerPlanner.Verb(type) : "config update";
            var message = $"PVE refused the {what} of CT {vmid}: {error.Message}. Fix the spec; retrying in {DurationFormat.Format(history.BackoffRemaining(f.Now))}";
            var already = ConditionList.Find(f.Container.Status?.Conditions, ConditionTypes.Ready) is { Reason: Reasons.ConfigRejected } previous && previous.Message == message;
            return new ContainerStep.Report(ContainerOutcome.Stalled(Reasons.ConfigRejected, message, warn: !already), history.BackoffRemaining(f.Now))
            {
                History = history,
                Sync = f.FailedStep is ContainerStep.WriteConfiguration write
                    ? Refused(f, write.Change, Reasons.ConfigRejected, message)
                    : new SyncOutcome(false, Reasons.ConfigRejected, message, f.Status.Drift ?? [], f.Status.PendingChanges ?? [], RestartMessage(f, f.Status.PendingChanges ?? [])),
            };
        }

        return null;
    }

    /// <summary>What Synced says when PVE refused the write of <paramref name="change"/>.</summary>
    public static SyncOutcome Refused(ContainerFacts f, ConfigChange change, string reason, string message)
    {
        var pending = f.Status.PendingChanges ?? [];
        return new SyncOutcome(false, reason, message, change.Drift, pending, RestartMessage(f, pending));
    }

    private static bool Moves(ContainerFacts f, string node) =>
        f.Spec.Node is { } pinned && pinned != node && f.Provider.NodeNames.Contains(pinned);

    private static bool RestartsFor(ContainerFacts f, LiveState live) =>
        f.Spec.RestartPolicy == RestartPolicy.IfRequired && live.Running && f.DesiredRunning;

    private static ContainerStep SlotStep(ContainerFacts f, ContainerControllerSettings s, string node, ContainerStep send, ContainerHistory history) =>
        f.SlotFree switch
        {
            null => new ContainerStep.CheckSlot(node) { History = history },
            false => new ContainerStep.Report(ContainerOutcome.Progressing(Reasons.WaitingForSlot,
                $"waiting for one of {f.Provider.MaxActionsPerNode} action slots on node {node}"), s.SlotWaitInterval) { History = history },
            true => send with { History = history },
        };

    private static ConfigDecision Stop(SyncOutcome sync, string reason, string message, ContainerControllerSettings s, ContainerHistory history) =>
        new(new ContainerStep.Report(ContainerOutcome.Stalled(reason, message), s.ResyncInterval, Converged: true) { History = history, Sync = sync }, sync, history);

    /// <summary>
    /// The config is read at once for a spec not read yet, after our own changes, and when the snapshot shows a
    /// difference it did not show at the last read; otherwise at the budgeted refresh interval.
    /// </summary>
    private static bool ReadDue(ContainerFacts f, ContainerControllerSettings s, ContainerHistory history)
    {
        if (history.ConfigStale || history.ConfigReadAt is not { } last || history.ConfigReadGeneration != f.Generation)
        {
            return true;
        }

        if (SnapshotSignature(f) is { } signature && signature != history.ConfigSnapshotSignature && SnapshotDiffers(f))
        {
            return true;
        }

        var every = Every(f.Provider.ContainerCount, s);
        return every > TimeSpan.Zero && f.Now - last >= every;
    }

    /// <summary>
    /// After a restart of the operator, a resource whose Synced condition is for this very spec had its config read at
    /// some point of the last interval: spread the first reads instead of reading every container at once.
    /// </summary>
    private static ContainerHistory SpreadFirstRead(ContainerFacts f, ContainerControllerSettings s, ContainerHistory history)
    {
        if (history.ConfigReadAt is not null
            || ConditionList.Find(f.Container.Status?.Conditions, ConditionTypes.Synced) is not { } synced
            || synced.ObservedGeneration != f.Generation)
        {
            return history;
        }

        var every = Every(f.Provider.ContainerCount, s);
        return every <= TimeSpan.Zero
            ? history
            : history with { ConfigReadAt = f.Now - (every * 0.9 * f.Spread), ConfigReadGeneration = f.Generation, ConfigSnapshotSignature = SnapshotSignature(f) };
    }

    /// <summary>When the periodic read falls due, up to 10% earlier (jittered), so that reads made together spread out.</summary>
    private static TimeSpan? UntilNextRead(ContainerFacts f, ContainerControllerSettings s, ContainerHistory history)
    {
        var every = Every(f.Provider.ContainerCount, s);
        if (every <= TimeSpan.Zero || history.ConfigReadAt is not { } last)
        {
            return null;
        }

        return RefreshBudget.Jitter(last + every - f.Now, f.Jitter);
    }

    public static TimeSpan Every(int containers, ContainerControllerSettings s) =>
        RefreshBudget.Every(s.ConfigRefreshInterval, s.ConfigRefreshBudgetPerMinute, containers);

    /// <summary>The snapshot's config-derived fields (memory, root disk, name, tags): a change there may be drift.</summary>
    public static string? SnapshotSignature(ContainerFacts f) =>
        f.Entry is { } entry ? string.Create(CultureInfo.InvariantCulture, $"{entry.MaxMem}|{entry.MaxDisk}|{entry.Name}|{entry.Tags}") : null;

    /// <summary>Whether the snapshot shows a value other than the spec's for a field it carries.</summary>
    public static bool SnapshotDiffers(ContainerFacts f)
    {
        if (f.Entry is not { } entry)
        {
            return false;
        }

        var spec = f.Spec;
        return (spec.Resources?.Memory is { } memory && entry.MaxMem is { } maxMem && PveSize.QuantityBytes(memory) != maxMem)
            || (spec.Rootfs?.Size is { } size && entry.MaxDisk is { } maxDisk && PveSize.QuantityBytes(size) != maxDisk)
            || (spec.Hostname is { } hostname && entry.Name is { } name && !string.Equals(hostname, name, StringComparison.OrdinalIgnoreCase))
            || (spec.Tags is { } tags && ConfigDiff.NormalisedTags(tags) != ConfigDiff.NormalisedTags(ConfigText.Items(entry.Tags)));
    }

    private static string ReplacementMessage(ContainerFacts f, IReadOnlyList<string> fields) =>
        $"{string.Join(", ", fields)} changed after CT {f.Vmid} was created and can only take effect in a new container: "
        + "the operator never destroys it for that. Set the fields back, or replace the container yourself (delete this resource with deletionPolicy Delete and create it again)";

    /// <summary>The spec.create fields that differ from what the container was created with (status.createdWith).</summary>
    public static List<string> CreateChanges(ContainerFacts f)
    {
        if (f.Status.CreatedWith is not { } was || f.Spec.Create is not { } now)
        {
            return [];
        }

        var changed = new List<string>();
        void Compare(string field, object? before, object? after)
        {
            if (!Equals(before, after))
            {
                changed.Add($"create.{field}");
            }
        }

        Compare("template", was.Template, now.Template);
        Compare("clone.vmid", was.Clone?.Vmid, now.Clone?.Vmid);
        Compare("clone.full", was.Clone?.Full, now.Clone?.Full);
        Compare("storage", was.Storage, now.Storage);
        Compare("rootfsSize", was.RootfsSize, now.RootfsSize);
        Compare("unprivileged", was.Unprivileged, now.Unprivileged);
        Compare("rootPasswordSecretRef", was.RootPasswordSecretRef?.Name + "/" + was.RootPasswordSecretRef?.Key, now.RootPasswordSecretRef?.Name + "/" + now.RootPasswordSecretRef?.Key);
        Compare("sshPublicKeys", string.Join('\n', was.SshPublicKeys ?? []), string.Join('\n', now.SshPublicKeys ?? []));
        return changed;
    }

    /// <summary>
    /// Create-only fields changed since the create (status.createdWith), or shown differently by the container (a clone
    /// copies them from its source, so only a template create is compared with PVE).
    /// </summary>
    private static List<string> Replacements(ContainerFacts f, ConfigObservation read)
    {
        var fields = CreateChanges(f);
        if (f.Spec.Create is not { Template: not null } create)
        {
            return fields;
        }

        if (ConfigText.Bool(read.Get("unprivileged")) != (create.Unprivileged ?? true) && !fields.Contains("create.unprivileged"))
        {
            fields.Add("create.unprivileged");
        }

        if (create.Storage is { } storage && ContainerConfigFacts.StorageOf(read.Get("rootfs")) is { } actual && actual != storage && !fields.Contains("create.storage"))
        {
            fields.Add($"create.storage ({storage}; the root disk is on {actual})");
        }

        return fields;
    }

    private static string RestartMessage(ContainerFacts f, IReadOnlyList<string> pending) =>
        pending.Count == 0
            ? $"no configuration change of CT {f.Vmid} waits for a restart"
            : $"{string.Join(", ", pending)} of CT {f.Vmid} {(pending.Count == 1 ? "waits" : "wait")} for its next start"
              + (f.Spec.RestartPolicy == RestartPolicy.IfRequired ? "; restartPolicy IfRequired restarts it" : "; restart it, or set restartPolicy: IfRequired");

    private static string Fields(IReadOnlyList<DriftEntry> drift) =>
        string.Join(", ", drift.Take(8).Select(d => d.Field)) + (drift.Count > 8 ? $" and {drift.Count - 8} more" : "");

    private static string Show(IReadOnlyList<DriftEntry> drift, string field) =>
        drift.FirstOrDefault(d => d.Field == field) is { } entry ? $"{entry.Desired} < {entry.Actual}" : "";
}
