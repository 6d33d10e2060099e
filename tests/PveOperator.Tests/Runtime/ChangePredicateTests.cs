using k8s.Models;
using PveOperator.Entities;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime;

public sealed class ChangePredicateTests
{
    private static V1Alpha1LxcContainer Container(long generation, string? state = null, params string[] finalizers) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Generation = generation, Finalizers = finalizers.ToList() },
        Status = new LxcContainerStatus { State = state },
    };

    [Fact]
    public void A_status_only_change_does_not_wake_the_controller()
    {
        var change = new EntityEvent<V1Alpha1LxcContainer>(EntityEventType.Modified, Container(1, "running"), Container(1, "stopped"));
        Assert.False(ChangePredicate.IsRelevant(change));
    }

    [Fact]
    public void A_spec_change_does()
    {
        var change = new EntityEvent<V1Alpha1LxcContainer>(EntityEventType.Modified, Container(2), Container(1));
        Assert.True(ChangePredicate.IsRelevant(change));
    }

    [Fact]
    public void Finalizer_and_deletion_changes_do()
    {
        Assert.True(ChangePredicate.IsRelevant(new EntityEvent<V1Alpha1LxcContainer>(EntityEventType.Modified, Container(1, null, "f"), Container(1))));
        var deleting = Container(1);
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;
        Assert.True(ChangePredicate.IsRelevant(new EntityEvent<V1Alpha1LxcContainer>(EntityEventType.Modified, deleting, Container(1))));
    }

    [Fact]
    public void Additions_and_deletions_always_do()
    {
        Assert.True(ChangePredicate.IsRelevant(new EntityEvent<V1Alpha1LxcContainer>(EntityEventType.Added, Container(1))));
        Assert.True(ChangePredicate.IsRelevant(new EntityEvent<V1Alpha1LxcContainer>(EntityEventType.Deleted, Container(1))));
    }
}
