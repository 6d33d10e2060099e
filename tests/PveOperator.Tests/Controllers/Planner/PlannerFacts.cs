using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Controllers.Planner;

/// <summary>Facts for planner rows: a ready provider "lab" with nodes pve1 and pve2, CT 101 on pve1, at a fixed time.</summary>
internal static class PlannerFacts
{
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly ContainerControllerSettings Settings = new();
    public const string Upid = "UPID:pve1:00001234:00ABCDEF:67C2F5A0:vzstart:101:operator@pve!k8s:";

    public static ContainerFacts Ready(PowerState desired = PowerState.Running, bool observedRunning = false, string snapshotStatus = "stopped") => new()
    {
        Container = new V1Alpha1LxcContainer
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "apps", Generation = 1, Uid = "uid-web" },
            Spec = new LxcContainerSpec { ProviderRef = new ProviderReference { Name = "lab" }, Vmid = 101, PowerState = desired },
            Status = new LxcContainerStatus(),
        },
        Status = new LxcContainerStatus { Running = observedRunning, Node = "pve1" },
        Now = Now,
        Provider = ConnectedProvider,
        Entry = Entry(snapshotStatus),
    };

    public static ProviderFacts ConnectedProvider { get; } = new("lab", Exists: true, new ProviderHealth(true, Reasons.Connected, "connected", Stalled: false))
    {
        NodeNames = new HashSet<string>(["pve1", "pve2"], StringComparer.Ordinal),
        AvailableNodeNames = "pve1, pve2",
    };

    public static PveClusterResource Entry(string status, string node = "pve1", string? lockName = null) => new()
    {
        Id = "lxc/101", Type = "lxc", Vmid = 101, Node = node, Status = status, Lock = lockName, Name = "web",
    };

    public static LiveState Live(bool running, string? lockName = null, PveHaStatus? ha = null) =>
        new(running, running ? "running" : "stopped", lockName, "web", ha, Fresh: true);

    public static OperationStatus Operation(OperationType type = OperationType.Start, string? upid = Upid) =>
        new() { Type = type, Upid = upid, StartedAt = Now.UtcDateTime.AddSeconds(-2), Generation = 1 };

    public static ContainerFacts Deleting(this ContainerFacts f, DeletionPolicy policy = DeletionPolicy.Stop)
    {
        f.Spec.DeletionPolicy = policy;
        return f with { Deleting = true };
    }

    public static ContainerFacts Pinned(this ContainerFacts f, string node)
    {
        f.Spec.Node = node;
        return f;
    }

    public static ContainerFacts WithOperation(this ContainerFacts f, OperationStatus operation)
    {
        f.Status.Operation = operation;
        return f;
    }

    public static ContainerFacts WithPriorCondition(this ContainerFacts f, string reason, string message = "before")
    {
        f.Container.Status.Conditions = ConditionList.Set(null, ConditionTypes.Ready, "False", reason, message, 1, Now.UtcDateTime);
        return f;
    }

    public static PveApiException Error(PveErrorKind kind, string message = "PVE said no", bool outcomeUnknown = false) =>
        new(kind, message) { OutcomeUnknown = outcomeUnknown };

    public static ContainerFacts Observing(ContainerFacts f)
    {
        f.Spec.ManagementPolicy = ManagementPolicy.ObserveOnly;
        return f;
    }

    /// <summary>The step is a report of this condition kind and reason (and message part).</summary>
    public static ContainerStep.Report AssertReport(ContainerStep step, ConditionKind kind, string reason, string? messagePart = null)
    {
        var report = Assert.IsType<ContainerStep.Report>(step);
        Assert.Equal(kind, report.Outcome?.Kind);
        Assert.Equal(reason, report.Outcome?.Reason);
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, report.Outcome!.Message, StringComparison.Ordinal);
        }

        return report;
    }
}
