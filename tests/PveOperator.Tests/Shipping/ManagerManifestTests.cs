using System.Text.RegularExpressions;
using k8s.Models;

namespace PveOperator.Tests.Shipping;

/// <summary>config/manager: the Deployment `kubectl apply -f config/crds -f config/rbac -f config/manager` installs.</summary>
public sealed class ManagerManifestTests
{
    private static readonly string Root = Manifests.RepositoryRoot();
    private static readonly IReadOnlyList<Manifest> Manager = Manifests.LoadDirectory(Path.Combine(Root, "config", "manager"));
    private static readonly IReadOnlyList<Manifest> Rbac = Manifests.LoadDirectory(Path.Combine(Root, "config", "rbac"));

    [Fact]
    public void Deployment_runs_the_operator_hardened_with_leader_election_and_probes()
    {
        var deployment = Manager.Single("Deployment").As<V1Deployment>();
        var options = DeploymentChecks.AssertOperatorDeployment(deployment);
        Assert.Equal("pve-system", deployment.Metadata.NamespaceProperty);
        Assert.True(deployment.Spec.Replicas >= 2, "several replicas: leader election hands over on failure");

        // The Lease lives where config/rbac's Role grants it.
        Assert.Equal(Rbac.Single("Role").Namespace, options.LeaderElectionNamespace);
        Assert.Equal(Rbac.Single("ServiceAccount").Name, deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal(Rbac.Single("ServiceAccount").Namespace, deployment.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Image_tag_is_the_charts_app_version()
    {
        var deployment = Manager.Single("Deployment").As<V1Deployment>();
        var appVersion = Regex.Match(File.ReadAllText(Path.Combine(Root, "charts", "pve-operator", "Chart.yaml")),
            "^appVersion:\\s*\"?([^\"\\s]+)\"?", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal($"{DeploymentChecks.ImageRepository}:{appVersion}", deployment.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public void Metrics_service_selects_the_operator_pods_and_targets_the_metrics_port()
    {
        var deployment = Manager.Single("Deployment").As<V1Deployment>();
        var service = Manager.Single("Service").As<V1Service>();
        Assert.Equal(deployment.Metadata.NamespaceProperty, service.Metadata.NamespaceProperty);
        Assert.All(service.Spec.Selector, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
        Assert.Equal("metrics", Assert.Single(service.Spec.Ports).TargetPort.Value);
    }
}
