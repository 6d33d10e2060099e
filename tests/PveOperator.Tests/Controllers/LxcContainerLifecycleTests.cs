using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Runtime;
using PveSimulator;

namespace PveOperator.Tests.Controllers;

/// <summary>Create, clone, adopt and destroy, reconcile by reconcile against the in-process simulator on a fake clock.</summary>
public sealed class LxcContainerLifecycleTests
{
    private const string Template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";

    private static V1Alpha1LxcContainer Created(string name = "web", DeletionPolicy? deletion = null, int? vmid = null, Action<ContainerCreateSpec>? create = null)
    {
        var spec = new ContainerCreateSpec { Template = Template, Storage = "local-lvm" };
        create?.Invoke(spec);
        return new V1Alpha1LxcContainer
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", Generation = 1, Uid = $"0a1b2c3d-{name}" },
            Spec = new LxcContainerSpec
            {
                ProviderRef = new ProviderReference { Name = ContainerHarness.ProviderName },
                Vmid = vmid,
                Create = spec,
                DeletionPolicy = deletion,
            },
        };
    }

    private static void WithRange(ContainerHarness h, int min, int max) =>
        h.Providers.Upsert(new V1Alpha1ProxmoxProvider
        {
            Metadata = new V1ObjectMeta { Name = ContainerHarness.ProviderName },
            Spec = new ProxmoxProviderSpec { VmidRange = new VmidRange { Min = min, Max = max } },
        });

    /// <summary>Reconciles until the pending operation's task has run to its end and was settled.</summary>
    private static async Task RunOperationAsync(ContainerHarness h, V1Alpha1LxcContainer container)
    {
        await h.EndTaskAsync(container);
        await h.ReconcileAsync(container);
    }

    [Fact]
    public async Task A_container_is_created_from_the_template_with_an_allocated_vmid_its_owner_mark_and_then_started()
    {
        await using var h = await ContainerHarness.StartAsync();
        WithRange(h, 10000, 10009);
        h.AddContainer(10000, "pve1", running: false);
        await h.SyncAsync();
        var web = h.Cached(Created());

        await h.ReconcileAsync(web);

        // 10000 is taken: the lowest free id of the range, recorded before the create went out.
        Assert.Equal(10001, web.Status.Vmid);
        Assert.Equal(OperationType.Create, web.Status.Operation?.Type);
        Assert.StartsWith("UPID:", web.Status.Operation?.Upid);
        Assert.Equal(Reasons.Creating, ContainerHarness.Ready(web).Reason);
        var ct = h.Cluster.GetContainer(10001)!;
        Assert.Equal("create", ct.Lock);

        await RunOperationAsync(h, web);

        ct = h.Cluster.GetContainer(10001)!;
        Assert.Equal("web", ct.Config.Get("hostname"));
        Assert.Contains($"pve-operator.io/owner=apps/web uid={web.Metadata.Uid}", ct.Config.Get("description"));
        Assert.StartsWith("local-lvm:", ct.Config.Get("rootfs"));
        Assert.Contains("size=8G", ct.Config.Get("rootfs"));
        Assert.Equal("1", ct.Config.Get("unprivileged"));
        Assert.Contains(h.Events.Events, e => e.Reason == Reasons.Created && e.Message.Contains("CT 10001"));
        // The snapshot predates the CT, and the operator goes on to start it all the same.
        Assert.Equal(OperationType.Start, web.Status.Operation?.Type);
        await RunOperationAsync(h, web);
        Assert.True(h.Cluster.GetContainer(10001)!.Running);
        Assert.Equal(1, h.Counters.Get("POST /nodes/{node}/lxc"));
    }

    [Fact]
    public async Task A_missing_template_stalls_with_the_storage_s_templates_listed_and_creates_nothing_more()
    {
        await using var h = await ContainerHarness.StartAsync();
        var web = h.Cached(Created(vmid: 300, create: c => c.Template = "local:vztmpl/nope_1.0_amd64.tar.zst"));

        await h.ReconcileAsync(web);
        await RunOperationAsync(h, web);

        var ready = ContainerHarness.Condition(web, ConditionTypes.Ready);
        Assert.Equal(Reasons.TemplateNotFound, ready.Reason);
        Assert.Contains("debian-12-standard_12.7-1_amd64.tar.zst", ready.Message);
        Assert.True(ContainerHarness.IsStalled(web));
        Assert.Null(h.Cluster.GetContainer(300));

        // Later attempts list the templates first and send no create while the template is still missing.
        h.Clock.Advance(TimeSpan.FromMinutes(10));
        await h.ReconcileAsync(web);
        Assert.Equal(1, h.Counters.Get("POST /nodes/{node}/lxc"));
        Assert.Equal(Reasons.TemplateNotFound, ContainerHarness.Ready(web).Reason);
    }

    [Fact]
    public async Task A_given_vmid_that_exists_without_our_mark_is_AlreadyExists_and_nothing_is_created()
    {
        await using var h = await ContainerHarness.StartAsync();
        h.AddContainer(301, "pve2", running: true);
        var web = h.Cached(Created(vmid: 301));
        // The operator's snapshot does not show CT 301 yet, so it tries; PVE refuses, and the config shows no mark.
        await h.ReconcileAsync(web);

        Assert.Equal(Reasons.AlreadyExists, ContainerHarness.Ready(web).Reason);
        Assert.True(ContainerHarness.IsStalled(web));
        Assert.True(h.Cluster.GetContainer(301)!.Running);
        Assert.Null(web.Status.Operation);
    }

    [Fact]
    public async Task An_allocated_vmid_someone_else_took_meanwhile_is_skipped()
    {
        await using var h = await ContainerHarness.StartAsync();
        WithRange(h, 10000, 10009);
        // Taken in PVE after the operator's last snapshot: the create is refused, and the next id is used.
        h.AddContainer(10000, "pve1", running: false);
        var web = h.Cached(Created());

        await h.ReconcileAsync(web);

        Assert.Equal(10001, web.Status.Vmid);
        Assert.Equal(OperationType.Create, web.Status.Operation?.Type);
        Assert.Null(h.Cluster.GetContainer(10000)!.Config.Get("description"));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_recognised_by_its_mark_and_not_created_twice()
    {
        await using var h = await ContainerHarness.StartAsync();
        var web = h.Cached(Created(vmid: 302));
        await h.ReconcileAsync(web);
        await h.EndTaskAsync(web);
        // The operator stopped after the request went out and before the UPID was written.
        web.Status.Operation!.Upid = null;

        await h.ReconcileAsync(web);

        Assert.Equal(1, h.Counters.Get("POST /nodes/{node}/lxc"));
        Assert.NotEqual(Reasons.AlreadyExists, ContainerHarness.Ready(web).Reason);
        await h.ReconcileAsync(web);
        Assert.Equal(OperationType.Start, web.Status.Operation?.Type);
    }

    [Fact]
    public async Task Delete_policy_destroys_an_owned_container_after_stopping_it()
    {
        await using var h = await ContainerHarness.StartAsync();
        var web = h.Cached(Created(vmid: 303, deletion: DeletionPolicy.Delete));
        await h.ReconcileAsync(web);
        await RunOperationAsync(h, web);
        await RunOperationAsync(h, web);
        Assert.True(h.Cluster.GetContainer(303)!.Running);

        var result = await h.FinalizeAsync(web);
        Assert.Equal(OperationType.Shutdown, web.Status.Operation?.Type);
        await h.EndTaskAsync(web);
        for (var i = 0; i < 4 && h.Cluster.GetContainer(303) is not null; i++)
        {
            result = await h.FinalizeAsync(web);
            if (web.Status.Operation is { Upid: not null })
            {
                await h.EndTaskAsync(web);
            }
        }

        result = await h.FinalizeAsync(web);
        Assert.Null(h.Cluster.GetContainer(303));
        Assert.Equal(ReconcileResult.Done, result);
        Assert.Contains(h.Events.Events, e => e.Reason == Reasons.Destroyed);
    }

    [Fact]
    public async Task Delete_policy_never_destroys_a_container_without_this_resource_s_mark()
    {
        await using var h = await ContainerHarness.StartAsync();
        var ct = h.AddContainer(304, "pve1", running: false);
        ct.Config.Set("description", "pve-operator.io/owner=apps/other uid=ffff-0000");
        await h.SyncAsync();
        var adopted = ContainerHarness.Container(304, PowerState.Stopped);
        adopted.Spec.DeletionPolicy = DeletionPolicy.Delete;
        h.Cached(adopted);

        await h.ReconcileAsync(adopted);
        Assert.Equal(Reasons.OwnedElsewhere, ContainerHarness.Ready(adopted).Reason);

        var result = await h.FinalizeAsync(adopted);

        Assert.Equal(ReconcileResult.Done, result);
        Assert.NotNull(h.Cluster.GetContainer(304));
        Assert.Equal(0, h.Counters.Get("DELETE /nodes/{node}/lxc/{vmid}"));
        Assert.Contains(h.Events.Events, e => e.Reason == Reasons.NotOwned && e.Type == EventType.Warning);
    }

    [Fact]
    public async Task Delete_policy_adopting_an_unmarked_container_writes_the_mark_and_keeps_the_notes()
    {
        await using var h = await ContainerHarness.StartAsync();
        var ct = h.AddContainer(305, "pve1", running: false);
        ct.Config.Set("description", "the database");
        await h.SyncAsync();
        var adopted = ContainerHarness.Container(305, PowerState.Stopped);
        adopted.Spec.DeletionPolicy = DeletionPolicy.Delete;
        h.Cached(adopted);

        await h.ReconcileAsync(adopted);

        var description = h.Cluster.GetContainer(305)!.Config.Get("description")!;
        Assert.StartsWith("the database", description);
        Assert.Contains($"pve-operator.io/owner=apps/{adopted.Metadata.Name} uid={adopted.Metadata.Uid}", description);
        Assert.Equal("True", ContainerHarness.Ready(adopted).Status);
    }

    [Fact]
    public async Task A_protected_container_keeps_the_finalizer_until_protection_is_off()
    {
        await using var h = await ContainerHarness.StartAsync();
        var web = h.Cached(Created(vmid: 306, deletion: DeletionPolicy.Delete));
        web.Spec.PowerState = PowerState.Stopped;
        await h.ReconcileAsync(web);
        await RunOperationAsync(h, web);
        h.Cluster.GetContainer(306)!.Config.Set("protection", "1");

        var result = await h.FinalizeAsync(web);

        Assert.NotEqual(ReconcileResult.Done, result);
        Assert.Equal(Reasons.Protected, ContainerHarness.Ready(web).Reason);
        Assert.Contains(h.Events.Events, e => e.Reason == Reasons.Protected && e.Type == EventType.Warning);
        Assert.NotNull(h.Cluster.GetContainer(306));
        Assert.Equal(0, h.Counters.Get("DELETE /nodes/{node}/lxc/{vmid}"));
    }

    [Fact]
    public async Task ObserveOnly_writes_nothing_to_PVE()
    {
        await using var h = await ContainerHarness.StartAsync();
        h.AddContainer(307, "pve1", running: false);
        await h.SyncAsync();
        var watched = ContainerHarness.Container(307, PowerState.Running);
        watched.Spec.ManagementPolicy = ManagementPolicy.ObserveOnly;
        watched.Spec.DeletionPolicy = DeletionPolicy.Delete;
        var missing = h.Cached(Created(vmid: 308));
        missing.Spec.ManagementPolicy = ManagementPolicy.ObserveOnly;
        h.Cached(watched);

        var (_, calls) = await h.ReconcileCountingAsync(watched);
        var (_, missingCalls) = await h.ReconcileCountingAsync(missing);
        var (finish, finishCalls) = await h.FinalizeCountingAsync(watched);

        Assert.All(calls.Concat(missingCalls).Concat(finishCalls), c => Assert.StartsWith("GET ", c));
        Assert.Equal((("True", Reasons.ObserveOnly)), ContainerHarness.Ready(watched));
        Assert.Equal(Reasons.NotFound, ContainerHarness.Ready(missing).Reason);
        Assert.Equal(ReconcileResult.Done, finish);
        Assert.False(h.Cluster.GetContainer(307)!.Running);
        Assert.Null(h.Cluster.GetContainer(308));
    }

    [Fact]
    public async Task A_paused_resource_sends_nothing_and_says_so()
    {
        await using var h = await ContainerHarness.StartAsync();
        h.AddContainer(309, "pve1", running: false);
        await h.SyncAsync();
        var paused = ContainerHarness.Container(309, PowerState.Running);
        paused.Metadata.Annotations = new Dictionary<string, string> { [V1Alpha1LxcContainer.PausedAnnotation] = "true" };
        h.Cached(paused);

        var (_, calls) = await h.ReconcileCountingAsync(paused);
        var (finish, finishCalls) = await h.FinalizeCountingAsync(paused);

        Assert.Empty(calls.Concat(finishCalls));
        Assert.Equal("True", ContainerHarness.Condition(paused, ConditionTypes.Paused).Status);
        Assert.NotEqual(ReconcileResult.Done, finish);

        paused.Metadata.Annotations.Clear();
        await h.ReconcileAsync(paused);
        Assert.Null(ContainerHarness.FindCondition(paused, ConditionTypes.Paused));
        Assert.Equal(OperationType.Start, paused.Status.Operation?.Type);
    }

    [Fact]
    public async Task A_linked_clone_of_a_container_that_is_not_a_template_is_refused_before_any_request()
    {
        await using var h = await ContainerHarness.StartAsync();
        h.AddContainer(9000, "pve2", running: false);
        await h.SyncAsync();
        var web = h.Cached(Created(vmid: 310, create: c =>
        {
            c.Template = null;
            c.Storage = null;
            c.Clone = new CloneSource { Vmid = 9000, Full = false };
        }));

        await h.ReconcileAsync(web);

        Assert.Equal(Reasons.LinkedCloneRequiresTemplate, ContainerHarness.Ready(web).Reason);
        Assert.Equal(0, h.Counters.Get("POST /nodes/{node}/lxc/{vmid}/clone"));
    }

    [Fact]
    public async Task A_full_clone_is_made_on_the_source_s_node_with_the_mark()
    {
        await using var h = await ContainerHarness.StartAsync();
        var source = h.AddContainer(9001, "pve2", running: false);
        source.Config.Set("rootfs", "local-lvm:vm-9001-disk-0,size=4G");
        await h.SyncAsync();
        var web = h.Cached(Created(vmid: 311, create: c =>
        {
            c.Template = null;
            c.Storage = null;
            c.Clone = new CloneSource { Vmid = 9001, Full = true };
        }));
        web.Spec.PowerState = PowerState.Stopped;

        await h.ReconcileAsync(web);
        Assert.Equal(OperationType.Clone, web.Status.Operation?.Type);
        await RunOperationAsync(h, web);

        var clone = h.Cluster.GetContainer(311)!;
        Assert.Equal("pve2", clone.Node);
        Assert.Contains($"uid={web.Metadata.Uid}", clone.Config.Get("description"));
        Assert.Contains(h.Events.Events, e => e.Reason == Reasons.Cloned);
        Assert.Equal(("True", Reasons.Stopped), ContainerHarness.Ready(web));
    }
}
