using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using static PveOperator.Tests.Controllers.Planner.PlannerFacts;
using Step = PveOperator.Controllers.ContainerStep;

namespace PveOperator.Tests.Controllers.Planner;

/// <summary>The decision table's lifecycle rows (docs/architecture.md): create, clone, ownership, destroy, policies.</summary>
public sealed class LifecyclePlannerTests
{
    private const string Template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
    private const string CreateUpid = "UPID:pve2:00001234:00ABCDEF:67C2F5A0:vzcreate:10001:operator@pve!k8s:";
    private static readonly ContainerControllerSettings S = Settings;
    private static readonly OwnerMark Ours = new("apps", "web", "uid-web");

    /// <summary>A resource that creates CT 10001 from the template on local-lvm; the snapshot does not show it.</summary>
    private static ContainerFacts ToCreate(int? vmid = null, bool allocated = true)
    {
        var f = Ready() with { Entry = null };
        f.Spec.Vmid = vmid;
        f.Spec.Create = new ContainerCreateSpec { Template = Template, Storage = "local-lvm" };
        f.Status.Node = null;
        f.Status.Running = null;
        f.Status.Vmid = vmid ?? (allocated ? 10001 : null);
        return f;
    }

    private static ContainerFacts ToClone(bool? full, bool sourceIsTemplate)
    {
        var f = ToCreate();
        f.Spec.Create = new ContainerCreateSpec { Clone = new CloneSource { Vmid = 9000, Full = full } };
        return f with
        {
            SourceEntry = Entry("stopped", "pve2") with { Vmid = 9000, Id = "lxc/9000" },
            Source = new ContainerConfigFacts(null, false, sourceIsTemplate, "local-lvm", null, "d1", null),
        };
    }

    private static ContainerFacts Adopting(OwnerMark? owner, bool deleting = false, bool protectedOn = false)
    {
        var f = Ready(observedRunning: false) with { Config = new ContainerConfigFacts(owner, protectedOn, false, "local-lvm", "notes", "d1", null) };
        f.Spec.DeletionPolicy = DeletionPolicy.Delete;
        return f with { Deleting = deleting };
    }

    private static readonly Dictionary<string, (Func<ContainerFacts> Facts, Action<Step> Expect)> Rows = new(StringComparer.Ordinal)
    {
        // Policies and spec checks come before anything else.
        ["a paused resource only says so, deletion included"] = (() => Ready().Deleting() with { Container = Paused(Ready().Container) },
            step => Assert.Equal(new Step.Pause(S.ResyncInterval), step)),
        ["an ObserveOnly deletion lets go without a request"] = (() => Observing(Ready().Deleting(DeletionPolicy.Delete)),
            step => Assert.Equal(new Step.Finish(null), step)),
        ["neither vmid nor create is an invalid spec"] = (() => WithoutVmid(Ready()),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.InvalidSpec, "spec.vmid is required")),
        ["a vmid changed after it was recorded is refused"] = (() => VmidRecorded(Ready(), 555),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.InvalidSpec, "changed from 555 to 101")),
        ["a providerRef changed after the vmid was recorded is refused"] = (() => ProviderRecorded(Ready(), "other-cluster"),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.InvalidSpec, "changed from other-cluster to lab")),
        ["a deletion with a changed providerRef destroys nothing"] = (() => ProviderRecorded(Ready().Deleting(DeletionPolicy.Delete), "other-cluster"),
            step => Assert.True(Assert.IsType<Step.Finish>(step).Event!.Warning)),
        ["a deletion with a changed vmid destroys nothing"] = (() => VmidRecorded(Ready().Deleting(DeletionPolicy.Delete), 555),
            step => Assert.True(Assert.IsType<Step.Finish>(step).Event!.Warning)),
        ["create with both template and clone is an invalid spec"] = (() => Both(ToCreate()),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.InvalidSpec, "exactly one of template")),

        // VMID allocation.
        ["a create without a vmid allocates one first"] = (() => ToCreate(allocated: false), step => Assert.IsType<Step.AllocateVmid>(step)),
        ["an exhausted range stalls"] = (() => ToCreate(allocated: false) with
            {
                VmidRangeExhausted = true,
                Provider = ConnectedProvider with { VmidRange = new VmidRange { Min = 10000, Max = 10001 } },
            },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.VmidRangeExhausted, "10000-10001")),
        ["a deletion before any vmid was allocated has nothing to destroy"] = (() => ToCreate(allocated: false).Deleting(DeletionPolicy.Delete),
            step => Assert.Equal(new Step.Finish(null), step)),

        // Create from a template.
        ["a container to create without a node is placed first"] = (() => ToCreate(), step => Assert.IsType<Step.PlaceNode>(step)),
        ["no online node waits for one"] = (() => ToCreate() with { PlacedNode = "" },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.NoNodeAvailable, "no node")),
        ["a placed container is created on its storage"] = (() => ToCreate() with { PlacedNode = "pve2" },
            step => Assert.Equal(new Step.SendCreate("pve2", "local-lvm"), step)),
        ["a full storage waits for a slot"] = (() => ToCreate() with { PlacedNode = "pve2", StorageSlotFree = false },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.WaitingForStorageSlot, "local-lvm")),
        ["a root password is read before the create"] = (() => WithPassword(ToCreate() with { PlacedNode = "pve2" }),
            step => Assert.IsType<Step.ReadRootPassword>(step)),
        ["a root password that cannot be read stalls"] = (() => WithPassword(ToCreate() with { PlacedNode = "pve2", SecretProblem = "Secret apps/root not found" }),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.SecretNotFound, "apps/root")),
        ["ObserveOnly never creates"] = (() => Observing(ToCreate() with { PlacedNode = "pve2" }),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.NotFound, "ObserveOnly never creates")),
        ["a create in backoff waits"] = (() => ToCreate() with { PlacedNode = "pve2", History = ContainerHistory.Empty.Failed(Now, 1, S.FailureBackoffBase, S.FailureBackoffMax) },
            step => Assert.Equal(S.FailureBackoffBase, Assert.IsType<Step.Report>(step).Requeue)),
        ["a create task that could not find the template lists the templates"] = (() => CreateFailed("can't find file 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst'"),
            step =>
            {
                Assert.Equal(new Step.ListTemplates("pve2", "local"), step with { History = null });
                Assert.True(step.History!.TemplateMissing);
            }),
        ["a missing template stalls, naming what the storage has"] = (() => CreateFailed("can't find file") with { Templates = ["local:vztmpl/alpine.tar.xz"] },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.TemplateNotFound, "local:vztmpl/alpine.tar.xz")),
        ["a retry after a missing template looks at the storage first"] = (
            () => ToCreate() with { PlacedNode = "pve2", History = ContainerHistory.Empty with { TemplateMissing = true } },
            step => Assert.Equal(new Step.ListTemplates("pve2", "local"), step)),
        ["any other create failure is a failed task with a warning"] = (() => CreateFailed("unable to create CT 10001 - got timeout"),
            step => Assert.True(AssertReport(step, ConditionKind.Stalled, Reasons.TaskFailed, "got timeout").Outcome!.Warn)),
        ["a create recorded without its UPID is settled, then sent again safely"] = (() => ToCreate().WithOperation(Operation(OperationType.Create, upid: null)),
            step => Assert.IsType<TaskObservation.Unparsable>(Assert.IsType<Step.SettleOperation>(step).Outcome)),
        ["a pending create is located by its recorded node"] = (() => ToCreate().WithOperation(OnNode(Operation(OperationType.Create, CreateUpid), "pve2")),
            step => Assert.Equal("pve2", Assert.IsType<Step.PollTask>(step).Upid.Node)),
        ["a create that ended well records where the container is"] = (
            () => ToCreate().WithOperation(OnNode(Operation(OperationType.Create, CreateUpid), "pve2")) with { Task = new TaskObservation.Ended(true, null, TimeSpan.FromSeconds(3)) },
            step => Assert.Equal("pve2", step.History!.CreatedOn)),
        ["a container just created is found on its node although the snapshot predates it"] = (
            () => ToCreate() with { History = ContainerHistory.Empty.Created(Now, "pve2"), SnapshotFetchedAt = Now.AddSeconds(-5) },
            step => Assert.Equal(new Step.ReadLiveStatus("pve2"), step)),
        ["a created container missing from a later snapshot is created again"] = (
            () => ToCreate() with { History = ContainerHistory.Empty.Created(Now.AddMinutes(-5), "pve2"), SnapshotFetchedAt = Now, PlacedNode = "pve2" },
            step => Assert.Equal(new Step.SendCreate("pve2", "local-lvm"), step)),

        ["a pinned node does not make a container exist: it is created there"] = (() => ToCreate().Pinned("pve2"),
            step => Assert.Equal(new Step.SendCreate("pve2", "local-lvm"), step)),
        ["a container to create that the snapshot shows is looked at for our mark first"] = (() => ToCreate(vmid: 101) with { Entry = Entry("stopped") },
            step => Assert.Equal(new Step.ReadConfig("pve1"), step)),
        ["a given vmid the snapshot shows without our mark is AlreadyExists, nothing touched"] = (
            () => ToCreate(vmid: 101) with { Entry = Entry("stopped"), Config = Marked(null) },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.AlreadyExists, "nothing is created, changed or destroyed")),
        ["an allocated vmid the snapshot shows with another's mark is replaced"] = (
            () => ToCreate() with { Entry = Entry("stopped") with { Vmid = 10001 }, Config = Marked(new OwnerMark("x", "y", "other")) },
            step => Assert.IsType<Step.AllocateVmid>(step)),
        ["a container being created (lock create, no notes yet) is waited for, not claimed"] = (
            () => ToCreate(vmid: 101) with { Entry = Entry("stopped", lockName: "create"), Config = new ContainerConfigFacts(null, false, false, null, null, "d", "create") },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Creating, "lock create")),
        ["a container with our mark is managed"] = (() => ToCreate(vmid: 101) with { Entry = Entry("stopped"), Config = Marked(Ours) },
            step => Assert.IsType<Step.ReadLiveStatus>(step)),
        ["a Stop deletion of a container we would create but that is not ours stops nothing"] = (
            () => ToCreate(vmid: 101).Deleting(DeletionPolicy.Stop) with { Entry = Entry("running"), Config = Marked(null) },
            step => Assert.Equal(Reasons.NotOwned, Assert.IsType<Step.Finish>(step).Event!.Reason)),

        // PVE says the VMID exists.
        ["an existing vmid is looked at for our mark"] = (() => AlreadyExists(ToCreate(vmid: 10001)),
            step => Assert.Equal(new Step.ReadConfig("pve3"), step)),
        ["an existing vmid with our mark is ours from an earlier create"] = (() => AlreadyExists(ToCreate(vmid: 10001)) with { Config = Marked(Ours) },
            step => Assert.Equal("pve3", AssertReport(step, ConditionKind.Progressing, Reasons.Observing, "owner mark").History!.CreatedOn)),
        ["an existing given vmid without our mark is AlreadyExists"] = (() => AlreadyExists(ToCreate(vmid: 10001)) with { Config = Marked(null) },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.AlreadyExists, "nothing was created")),
        ["an existing allocated vmid is skipped for the next"] = (() => AlreadyExists(ToCreate()) with { Config = Marked(new OwnerMark("x", "y", "other")) },
            step => Assert.Contains(10001, Assert.IsType<Step.AllocateVmid>(step).History!.TakenVmids)),

        // Clones.
        ["a clone of a missing source stalls"] = (() => ToClone(true, false) with { SourceEntry = null },
            step => AssertReport(step, ConditionKind.Stalled, Reasons.CloneSourceNotFound, "9000")),
        ["a clone reads its source first"] = (() => ToClone(true, false) with { Source = null }, step => Assert.Equal(new Step.ReadCloneSource("pve2", 9000), step)),
        ["a linked clone of a normal container is refused before any request"] = (() => ToClone(false, sourceIsTemplate: false),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.LinkedCloneRequiresTemplate, "pct template 9000")),
        ["a linked clone of a template is sent on the source's node"] = (() => ToClone(false, sourceIsTemplate: true),
            step => Assert.Equal(new Step.SendClone("pve2", 9000, "pve2", "local-lvm"), step)),

        // Ownership and destroy (deletionPolicy Delete).
        ["a Delete-policy adoption reads the config once"] = (() => Adopting(null) with { Config = null }, step => Assert.Equal(new Step.ReadConfig("pve1"), step)),
        ["an unmarked adopted container gets our mark"] = (() => Adopting(null), step => Assert.Equal(new Step.WriteOwnerMark("pve1"), step)),
        ["a container marked by another resource is not driven"] = (() => Adopting(new OwnerMark("other", "db", "uid-db")),
            step => AssertReport(step, ConditionKind.Stalled, Reasons.OwnedElsewhere, "other/db")),
        ["a deletion always reads the config again"] = (() => Adopting(Ours, deleting: true) with { Config = null, History = ContainerHistory.Empty with { MarkVerified = true } },
            step => Assert.Equal(new Step.ReadConfig("pve1"), step)),
        ["a deletion of an unmarked container lets go with a warning"] = (() => Adopting(null, deleting: true),
            step => Assert.Equal(Reasons.NotOwned, Assert.IsType<Step.Finish>(step).Event!.Reason)),
        ["a deletion of a protected container stalls and keeps the finalizer"] = (() => Adopting(Ours, deleting: true, protectedOn: true),
            step => Assert.True(AssertReport(step, ConditionKind.Stalled, Reasons.Protected, "pct set 101 --protection 0").Outcome!.Warn)),
        ["a protected deletion already reported does not warn again"] = (() => Adopting(Ours, deleting: true, protectedOn: true).WithPriorCondition(Reasons.Protected),
            step => Assert.False(AssertReport(step, ConditionKind.Stalled, Reasons.Protected).Outcome!.Warn)),
        ["a running owned container is shut down before it is destroyed"] = (() => Adopting(Ours, deleting: true) with { Live = Live(running: true) },
            step => Assert.Equal(new Step.SendPowerAction("pve1", OperationType.Shutdown), step)),
        ["a stopped owned container is destroyed on its root disk's storage"] = (() => Adopting(Ours, deleting: true) with { Live = Live(running: false) },
            step => Assert.Equal(new Step.SendDestroy("pve1", "local-lvm"), step with { History = null })),
        ["a locked owned container is destroyed when the lock goes"] = (() => Adopting(Ours, deleting: true) with { Live = Live(running: false, lockName: "backup") },
            step => AssertReport(step, ConditionKind.Progressing, Reasons.Locked, "backup")),
        ["a destroy that ended well lets go"] = (
            () => Adopting(Ours, deleting: true) with
            {
                Settled = Operation(OperationType.Destroy),
                Task = new TaskObservation.Ended(true, null, TimeSpan.FromSeconds(2)),
            },
            step => Assert.Equal(Reasons.Destroyed, Assert.IsType<Step.Finish>(step).Event!.Reason)),
        ["a container gone before its destroy counts as destroyed"] = (() => Adopting(Ours, deleting: true) with { Entry = null, Status = new LxcContainerStatus() },
            step => Assert.Contains("counts as destroyed", Assert.IsType<Step.Finish>(step).Event!.Message)),

        // ObserveOnly on an existing container.
        ["ObserveOnly reports a difference instead of acting"] = (() => Observing(Ready(PowerState.Stopped)) with { Live = Live(running: true) },
            step => Assert.IsType<Step.ReadAddresses>(step)),
        ["ObserveOnly reports a difference instead of acting, addresses read"] = (
            () => Observing(Ready(PowerState.Stopped)) with { Live = Live(running: true), AddressesRead = true },
            step => AssertReport(step, ConditionKind.Ready, Reasons.ObserveOnly, "not enforced")),
    };

    public static TheoryData<string> RowNames => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Each_lifecycle_row_holds(string row)
    {
        var (facts, expect) = Rows[row];
        expect(ContainerPlanner.Plan(facts(), S));
    }

    [Theory]
    [InlineData("CT 120 already exists on node 'pve2'", "CT", "pve2")]
    [InlineData("VM 120 already exists on node 'pve1'", "VM", "pve1")]
    [InlineData("something else", null, null)]
    public void PVE_s_already_exists_text_names_the_node(string message, string? kind, string? node) =>
        Assert.Equal((kind, node), LifecyclePlanner.ParseAlreadyExists(message));

    [Theory]
    [InlineData("8Gi", 8)]
    [InlineData("120Gi", 120)]
    [InlineData("0Gi", null)]
    [InlineData("8G", null)]
    [InlineData("1.5Gi", null)]
    public void Root_disk_sizes_are_whole_GiB(string size, int? gib) => Assert.Equal(gib, LifecyclePlanner.RootfsGib(size));

    private static OperationStatus OnNode(OperationStatus operation, string node)
    {
        operation.Node = node;
        return operation;
    }

    private static V1Alpha1LxcContainer Paused(V1Alpha1LxcContainer container)
    {
        container.Metadata.Annotations = new Dictionary<string, string> { [V1Alpha1LxcContainer.PausedAnnotation] = "true" };
        return container;
    }

    private static ContainerFacts WithoutVmid(ContainerFacts f)
    {
        f.Spec.Vmid = null;
        f.Status.Vmid = null;
        return f;
    }

    private static ContainerFacts VmidRecorded(ContainerFacts f, int recorded)
    {
        f.Container.Status.Vmid = recorded;
        return f;
    }

    private static ContainerFacts Both(ContainerFacts f)
    {
        f.Spec.Create!.Clone = new CloneSource { Vmid = 9000 };
        return f;
    }

    private static ContainerFacts WithPassword(ContainerFacts f)
    {
        f.Spec.Create!.RootPasswordSecretRef = new LocalSecretKeyReference { Name = "root" };
        return f;
    }

    private static ContainerFacts CreateFailed(string failure) =>
        ToCreate() with
        {
            Settled = OnNode(Operation(OperationType.Create, CreateUpid), "pve2"),
            Task = new TaskObservation.Ended(false, failure, TimeSpan.FromSeconds(3)),
            History = ContainerHistory.Empty.Failed(Now, 1, S.FailureBackoffBase, S.FailureBackoffMax),
        };

    private static ContainerFacts AlreadyExists(ContainerFacts f) =>
        f with
        {
            PlacedNode = "pve2",
            Error = new PveApiException(PveErrorKind.AlreadyExists, "CT 10001 already exists on node 'pve3'"),
            FailedStep = new Step.SendCreate("pve2", "local-lvm"),
        };

    private static ContainerFacts ProviderRecorded(ContainerFacts f, string provider)
    {
        f.Container.Status.Provider = provider;
        return f;
    }

    private static ContainerConfigFacts Marked(OwnerMark? owner) => new(owner, false, false, "local-lvm", owner?.Line, "d1", null);
}
