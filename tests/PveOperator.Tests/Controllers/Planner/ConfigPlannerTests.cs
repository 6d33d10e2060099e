using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using static PveOperator.Tests.Controllers.Planner.PlannerFacts;
using Step = PveOperator.Controllers.ContainerStep;

namespace PveOperator.Tests.Controllers.Planner;

/// <summary>The decision table's configuration rows (docs/architecture.md): when to read, write, grow, restart, migrate, and what to report.</summary>
public sealed class ConfigPlannerTests
{
    private static readonly ContainerControllerSettings S = Settings;

    private static ConfigObservation Pve(string memory = "512", IReadOnlyList<string>? pending = null, string rootfs = "local-lvm:vm-101-disk-0,size=8G") =>
        new(new Dictionary<string, string>(StringComparer.Ordinal) { ["memory"] = memory, ["rootfs"] = rootfs, ["unprivileged"] = "1" }, pending ?? [], "digest-1");

    /// <summary>A stopped container, as the spec wants it, whose spec manages memory (512Mi unless told).</summary>
    private static ContainerFacts Managed(string memory = "512Mi", bool running = false)
    {
        var f = Ready(running ? PowerState.Running : PowerState.Stopped, observedRunning: running, snapshotStatus: running ? "running" : "stopped") with
        {
            Live = Live(running),
            AddressesRead = running,
        };
        f.Spec.Resources = new ContainerResources { Memory = memory };
        return f;
    }

    private static ContainerFacts ReadAt(ContainerFacts f, DateTimeOffset at, long generation = 1, string? signature = null) =>
        f with { History = f.History with { ConfigReadAt = at, ConfigReadGeneration = generation, ConfigSnapshotSignature = signature ?? ConfigPlanner.SnapshotSignature(f) } };

    private static SyncOutcome Sync(Step step) => Assert.IsType<Step.Report>(step).Sync ?? throw new Xunit.Sdk.XunitException("no sync outcome");

    private static readonly Dictionary<string, (Func<ContainerFacts> Facts, Action<Step> Expect)> Rows = new(StringComparer.Ordinal)
    {
        // When the config is read.
        ["a spec without configuration fields reads no config"] = (() => Ready(PowerState.Stopped) with { Live = Live(false) },
            step => Assert.Null(Assert.IsType<Step.Report>(step).Sync)),
        ["a managed spec not read yet reads the config"] = (() => Managed(), step => Assert.Equal(new Step.ReadConfiguration("pve1"), step with { History = null })),
        ["a config read a moment ago is not read again"] = (() => ReadAt(Managed(), Now.AddSeconds(-30)),
            step => Assert.Null(Assert.IsType<Step.Report>(step).Sync)),
        ["a config read an interval ago is read again"] = (() => ReadAt(Managed(), Now - S.ConfigRefreshInterval), step => Assert.IsType<Step.ReadConfiguration>(step)),
        ["a new spec generation is read at once"] = (() => ReadAt(Managed(), Now.AddSeconds(-30), generation: 0), step => Assert.IsType<Step.ReadConfiguration>(step)),
        ["after the operator's own change the config is read at once"] = (() => ReadAt(Managed(), Now.AddSeconds(-1)) is var f ? f with { History = f.History with { ConfigStale = true } } : null!,
            step => Assert.IsType<Step.ReadConfiguration>(step)),
        ["a snapshot showing other memory than the spec reads at once"] = (() => ReadAt(Managed("1Gi"), Now.AddSeconds(-30), signature: "before") with { Entry = Entry("stopped") with { MaxMem = 4L << 30 } },
            step => Assert.IsType<Step.ReadConfiguration>(step)),
        ["a snapshot unchanged since the last read does not read again"] = (() =>
            ReadAt(Managed("1Gi") with { Entry = Entry("stopped") with { MaxMem = 4L << 30 } }, Now.AddSeconds(-30)),
            step => Assert.Null(Assert.IsType<Step.Report>(step).Sync)),
        ["a restarted operator spreads the first reads of resources synced for this spec"] = (() => Synced(Managed()),
            step => Assert.Null(Assert.IsType<Step.Report>(step).Sync)),
        ["the spread first read still reads a resource synced for an older spec"] = (() => Synced(Managed(), generation: 0),
            step => Assert.IsType<Step.ReadConfiguration>(step)),

        // What the read shows.
        ["a config that matches is InSync"] = (() => Managed() with { ConfigRead = Pve() },
            step => Assert.Equal((true, Reasons.InSync), (Sync(step).Synced, Sync(step).Reason))),
        ["a difference is written with one PUT carrying the digest"] = (() => Managed("1Gi") with { ConfigRead = Pve() },
            step =>
            {
                var write = Assert.IsType<Step.WriteConfiguration>(step);
                Assert.Equal(("pve1", "digest-1"), (write.Node, write.Digest));
                Assert.Equal(new Dictionary<string, string> { ["memory"] = "1024" }, write.Change.Set);
            }),
        ["a difference left after this reconcile's write backs off instead of writing again"] = (() => Managed("1Gi") with { ConfigRead = Pve(), ConfigWritten = true },
            step =>
            {
                Assert.Equal((false, Reasons.Drifted), (Sync(step).Synced, Sync(step).Reason));
                Assert.Equal(S.FailureBackoffBase, Assert.IsType<Step.Report>(step).Requeue);
            }),
        ["a bigger root disk is grown with a resize"] = (() => Grown(Managed(), "16Gi") with { ConfigRead = Pve() },
            step => Assert.Equal(new Step.SendConfigOperation("pve1", OperationType.Resize, new DiskResize("rootfs", "16G", "rootfs.size")), step with { History = null })),
        ["a smaller root disk is CannotShrink and nothing is sent"] = (() => Grown(Managed(), "4Gi") with { ConfigRead = Pve() },
            step =>
            {
                AssertReport(step, ConditionKind.Stalled, Reasons.CannotShrink, "cannot shrink");
                Assert.Equal(Reasons.CannotShrink, Sync(step).Reason);
            }),
        ["ObserveOnly lists the difference and writes nothing"] = (() => Observing(Managed("1Gi")) with { ConfigRead = Pve() },
            step =>
            {
                Assert.Equal((false, Reasons.ObserveOnly), (Sync(step).Synced, Sync(step).Reason));
                Assert.Equal([new DriftEntry { Field = "resources.memory", Desired = "1Gi", Actual = "512Mi" }], Sync(step).Drift);
            }),
        ["ObserveOnly lists a smaller disk as drift instead of stalling"] = (() => Observing(Grown(Managed(), "4Gi")) with { ConfigRead = Pve() },
            step =>
            {
                AssertReport(step, ConditionKind.Ready, Reasons.ObserveOnly);
                Assert.Contains(new DriftEntry { Field = "rootfs.size", Desired = "4Gi", Actual = "8Gi" }, Sync(step).Drift);
            }),
        ["pending keys are reported and the container keeps running"] = (() => Managed(running: true) with { ConfigRead = Pve(pending: ["features"]) },
            step =>
            {
                AssertReport(step, ConditionKind.Ready, Reasons.Running, "running");
                Assert.Equal(["features"], Sync(step).Pending);
            }),
        ["pending keys with restartPolicy IfRequired ask for an action slot"] = (() => Restarting(Managed(running: true)) with { ConfigRead = Pve(pending: ["features"]) },
            step => Assert.IsType<Step.CheckSlot>(step)),
        ["pending keys with restartPolicy IfRequired and a slot restart the container"] = (() => Restarting(Managed(running: true)) with { ConfigRead = Pve(pending: ["features"]), SlotFree = true },
            step => Assert.Equal(OperationType.Restart, Assert.IsType<Step.SendConfigOperation>(step).Type)),
        ["a changed create-only field requires replacement and destroys nothing"] = (() => Privileged(Managed()) with { ConfigRead = Pve() },
            step =>
            {
                Assert.Equal((false, Reasons.RequiresReplacement), (Sync(step).Synced, Sync(step).Reason));
                Assert.Contains("create.unprivileged", Sync(step).Message, StringComparison.Ordinal);
            }),

        ["a create block changed since the create requires replacement, without reading the config"] = (() => CreateChanged(Ready(PowerState.Stopped) with { Live = Live(false) }),
            step =>
            {
                Assert.Equal((false, Reasons.RequiresReplacement), (Sync(step).Synced, Sync(step).Reason));
                Assert.StartsWith("create.template, create.storage changed", Sync(step).Message, StringComparison.Ordinal);
            }),
        ["an unchanged create block is not reported"] = (() => CreateChanged(Ready(PowerState.Stopped) with { Live = Live(false) }, changed: false),
            step => Assert.Null(Assert.IsType<Step.Report>(step).Sync)),

        // Placement.
        ["a container away from its pinned node asks for a slot to migrate"] = (() => Managed().Pinned("pve2"), step => Assert.Equal(new Step.CheckSlot("pve1"), step with { History = null })),
        ["with a slot it is migrated in restart mode when running"] = (() => Managed(running: true).Pinned("pve2") with { SlotFree = true },
            step => Assert.Equal(new Step.SendConfigOperation("pve1", OperationType.Migrate, Target: "pve2", Running: true), step with { History = null })),
        ["ObserveOnly does not migrate and reports node as drift"] = (() => Observing(Managed().Pinned("pve2")) with { ConfigRead = Pve() },
            step => Assert.Contains(new DriftEntry { Field = "node", Desired = "pve2", Actual = "pve1" }, Sync(step).Drift)),

        // Failures of the configuration's requests.
        ["a digest mismatch reads again at once"] = (() => Managed("1Gi") with
            {
                Error = Error(PveErrorKind.DigestMismatch, "detected modified configuration - file changed by other user? Try again."),
                FailedStep = new Step.WriteConfiguration("pve1", ConfigChange.None, "digest-1"),
            },
            step =>
            {
                var report = Assert.IsType<Step.Report>(step);
                Assert.Equal(TimeSpan.Zero, report.Requeue);
                Assert.True(report.History!.ConfigStale);
            }),
        ["a write PVE refuses is ConfigRejected with PVE's text"] = (() => Managed("1Gi") with
            {
                Error = Error(PveErrorKind.Validation, "net0: MTU size '9000' is bigger than bridge MTU '1500'"),
                FailedStep = new Step.WriteConfiguration("pve1", ConfigChange.None, "digest-1"),
            },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.ConfigRejected, "bigger than bridge MTU")),
    };

    private static ContainerFacts Synced(ContainerFacts f, long generation = 1)
    {
        f.Container.Status.Conditions = ConditionList.Set(null, ConditionTypes.Synced, "True", Reasons.InSync, "in sync", generation, Now.UtcDateTime);
        return f;
    }

    private static ContainerFacts CreateChanged(ContainerFacts f, bool changed = true)
    {
        f.Status.CreatedWith = new ContainerCreateSpec { Template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", Storage = "local-lvm" };
        f.Spec.Create = changed
            ? new ContainerCreateSpec { Template = "local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz", Storage = "fast" }
            : new ContainerCreateSpec { Template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", Storage = "local-lvm" };
        return f with { History = f.History with { MarkVerified = true } };
    }

    private static ContainerFacts Grown(ContainerFacts f, string size)
    {
        f.Spec.Rootfs = new RootfsSpec { Size = size };
        return f;
    }

    private static ContainerFacts Restarting(ContainerFacts f)
    {
        f.Spec.RestartPolicy = RestartPolicy.IfRequired;
        return f;
    }

    private static ContainerFacts Privileged(ContainerFacts f)
    {
        f.Spec.Create = new ContainerCreateSpec { Template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", Storage = "local-lvm", Unprivileged = false };
        return f with { History = f.History with { MarkVerified = true } };
    }

    public static TheoryData<string> RowNames => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Each_configuration_row_holds(string row)
    {
        var (facts, expect) = Rows[row];
        expect(ContainerPlanner.Plan(facts(), S));
    }
}
