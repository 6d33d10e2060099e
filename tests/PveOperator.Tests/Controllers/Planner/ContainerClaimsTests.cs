using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Entities;

namespace PveOperator.Tests.Controllers.Planner;

/// <summary>Who of several resources naming one (provider, VMID) holds the container.</summary>
public sealed class ContainerClaimsTests
{
    private static V1Alpha1LxcContainer Claimant(string ns, string name, int ageMinutes, string? readyReason = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Uid = $"uid-{ns}-{name}",
            CreationTimestamp = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc).AddMinutes(-ageMinutes),
        },
        Spec = new LxcContainerSpec { ProviderRef = new ProviderReference { Name = "lab" }, Vmid = 101 },
        Status = readyReason is null
            ? new LxcContainerStatus()
            : new LxcContainerStatus { Conditions = ConditionList.Set(null, ConditionTypes.Ready, "True", readyReason, "m", 1, DateTime.UtcNow) },
    };

    [Fact]
    public void Between_unclaimed_resources_the_oldest_wins()
    {
        Assert.Equal("other/web-twin", ContainerClaims.Holder([Claimant("default", "web", 1), Claimant("other", "web-twin", 5)]));
    }

    [Fact]
    public void Between_resources_of_the_same_age_the_namespace_and_name_decide()
    {
        Assert.Equal("default/web", ContainerClaims.Holder([Claimant("other", "web", 3), Claimant("default", "web", 3)]));
    }

    [Fact]
    public void The_resource_that_already_holds_the_claim_keeps_it_against_an_older_one()
    {
        Assert.Equal("default/web", ContainerClaims.Holder([Claimant("default", "web", 1, Reasons.Running), Claimant("other", "old", 60)]));
    }

    [Fact]
    public void A_resource_that_only_reported_the_conflict_holds_nothing()
    {
        Assert.Equal("default/web", ContainerClaims.Holder(
            [Claimant("other", "old", 60, Reasons.Conflict), Claimant("default", "web", 1, Reasons.Stopped), Claimant("default", "new", 0)]));
        Assert.False(ContainerClaims.HoldsClaim(Claimant("other", "old", 60, Reasons.Conflict)));
    }

    [Fact]
    public void When_the_holder_is_gone_the_oldest_of_the_rest_takes_over()
    {
        Assert.Equal("other/old", ContainerClaims.Holder([Claimant("other", "old", 60, Reasons.Conflict), Claimant("default", "new", 0, Reasons.Conflict)]));
    }

    [Fact]
    public void A_lone_resource_holds_its_container()
    {
        Assert.Equal("default/web", ContainerClaims.Holder([Claimant("default", "web", 1)]));
    }
}
