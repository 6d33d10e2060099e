using PveOperator.Controllers;
using PveOperator.Entities;

namespace PveOperator.Tests.Controllers;

public sealed class NamespaceAdmissionTests
{
    private static readonly Dictionary<string, string> TeamA = new() { ["tenant"] = "a", ["tier"] = "prod" };

    [Fact]
    public void Omitted_allowedNamespaces_admits_every_namespace()
    {
        Assert.True(NamespaceAdmission.Admits(null, "anything", null));
    }

    [Fact]
    public void Names_admit_exactly_the_named_namespaces()
    {
        var allowed = new AllowedNamespaces { Names = ["team-a", "team-b"] };

        Assert.True(NamespaceAdmission.Admits(allowed, "team-b", null));
        Assert.False(NamespaceAdmission.Admits(allowed, "team-c", TeamA));
        Assert.False(NamespaceAdmission.Admits(allowed, "Team-A", null));
    }

    [Fact]
    public void An_empty_allowedNamespaces_admits_nobody()
    {
        Assert.False(NamespaceAdmission.Admits(new AllowedNamespaces(), "default", TeamA));
    }

    [Fact]
    public void A_selector_admits_by_labels_and_needs_the_labels_known()
    {
        var allowed = new AllowedNamespaces { Selector = new NamespaceLabelSelector { MatchLabels = new() { ["tenant"] = "a" } } };

        Assert.True(NamespaceAdmission.Admits(allowed, "x", TeamA));
        Assert.False(NamespaceAdmission.Admits(allowed, "x", new Dictionary<string, string> { ["tenant"] = "b" }));
        Assert.False(NamespaceAdmission.Admits(allowed, "x", null));
    }

    [Fact]
    public void Names_or_selector_admits_either()
    {
        var allowed = new AllowedNamespaces
        {
            Names = ["ops"],
            Selector = new NamespaceLabelSelector { MatchLabels = new() { ["tenant"] = "a" } },
        };

        Assert.True(NamespaceAdmission.Admits(allowed, "ops", new Dictionary<string, string>()));
        Assert.True(NamespaceAdmission.Admits(allowed, "team-a", TeamA));
        Assert.False(NamespaceAdmission.Admits(allowed, "team-b", new Dictionary<string, string>()));
    }

    [Theory]
    [InlineData(LabelSelectorOperator.In, new[] { "a", "b" }, true)]
    [InlineData(LabelSelectorOperator.In, new[] { "b" }, false)]
    [InlineData(LabelSelectorOperator.NotIn, new[] { "b" }, true)]
    [InlineData(LabelSelectorOperator.NotIn, new[] { "a" }, false)]
    [InlineData(LabelSelectorOperator.Exists, new string[0], true)]
    [InlineData(LabelSelectorOperator.DoesNotExist, new string[0], false)]
    public void Expressions_follow_kubernetes_label_selector_rules(LabelSelectorOperator op, string[] values, bool matches)
    {
        var selector = new NamespaceLabelSelector
        {
            MatchExpressions = [new LabelSelectorRequirement { Key = "tenant", Operator = op, Values = [.. values] }],
        };

        Assert.Equal(matches, NamespaceAdmission.Matches(selector, TeamA));
    }

    [Fact]
    public void A_missing_label_satisfies_NotIn_and_DoesNotExist_only()
    {
        var labels = new Dictionary<string, string>();
        LabelSelectorRequirement Requirement(LabelSelectorOperator op) => new() { Key = "tenant", Operator = op, Values = ["a"] };

        Assert.True(NamespaceAdmission.Matches(new NamespaceLabelSelector { MatchExpressions = [Requirement(LabelSelectorOperator.NotIn)] }, labels));
        Assert.True(NamespaceAdmission.Matches(new NamespaceLabelSelector { MatchExpressions = [Requirement(LabelSelectorOperator.DoesNotExist)] }, labels));
        Assert.False(NamespaceAdmission.Matches(new NamespaceLabelSelector { MatchExpressions = [Requirement(LabelSelectorOperator.In)] }, labels));
        Assert.False(NamespaceAdmission.Matches(new NamespaceLabelSelector { MatchExpressions = [Requirement(LabelSelectorOperator.Exists)] }, labels));
    }

    [Fact]
    public void The_gate_refuses_with_a_message_naming_only_the_namespace_and_provider()
    {
        var gate = new TenancyGate(_ => new AllowedNamespaces { Names = ["ops"] }, _ => null);
        var container = new V1Alpha1LxcContainer
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "web", NamespaceProperty = "team-b" },
            Spec = new LxcContainerSpec { ProviderRef = new ProviderReference { Name = "lab" }, Vmid = 101 },
        };

        var refusal = gate.Refuse(container);

        Assert.NotNull(refusal);
        Assert.Contains("ProxmoxProvider lab", refusal, StringComparison.Ordinal);
        Assert.Contains("namespace team-b", refusal, StringComparison.Ordinal);
        Assert.Null(TenancyGate.AllowAll.Refuse(container));
    }

    [Fact]
    public void SameRules_tells_a_changed_allowedNamespaces_from_an_unchanged_one()
    {
        AllowedNamespaces Rules(string label) => new()
        {
            Names = ["ops"],
            Selector = new NamespaceLabelSelector { MatchLabels = new() { ["tenant"] = label } },
        };

        Assert.True(NamespaceAdmission.SameRules(null, null));
        Assert.True(NamespaceAdmission.SameRules(Rules("a"), Rules("a")));
        Assert.False(NamespaceAdmission.SameRules(Rules("a"), Rules("b")));
        Assert.False(NamespaceAdmission.SameRules(null, Rules("a")));
        Assert.False(NamespaceAdmission.SameRules(Rules("a"), new AllowedNamespaces { Names = ["ops"] }));
    }
}
