using k8s;
using k8s.Models;
using PveOperator.Entities;
using PveOperator.Hosting;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Tests.Shipping;

namespace PveOperator.IntegrationTests.Shipping;

/// <summary>
/// The plain-manifest install: `kubectl apply -f config/...` on the real kube-apiserver (1.20). There the CRDs come
/// from config/crds-without-cel, as docs/kubernetes-versions.md tells users of servers older than 1.25.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class KubectlApplyTests(ControlPlaneFixture cluster)
{
    private static readonly string Root = Manifests.RepositoryRoot();

    [Fact]
    public async Task Kubectl_apply_of_config_crds_rbac_manager_and_samples_succeeds()
    {
        var kube = cluster.Client;
        try
        {
            // CRDs first (they are shared with other tests and never deleted), so that the kinds are served
            // when the samples are applied: one kubectl apply cannot wait for a CRD it creates itself.
            (await KubectlInRootAsync("apply", "-f", OperatorCrdFiles.WithoutCelDirectory)).EnsureSuccess();
            (await Tools.KubectlAsync(cluster.KubeconfigPath, "wait", "--for=condition=Established", "--timeout=30s",
                $"crd/proxmoxproviders.{ApiGroup.Group}", $"crd/lxccontainers.{ApiGroup.Group}")).EnsureSuccess();

            // The install from README/docs: CRDs, RBAC (with the namespace) and the operator Deployment.
            (await KubectlInRootAsync("apply", "-f", OperatorCrdFiles.WithoutCelDirectory, "-f", "config/rbac", "-f", "config/manager"))
                .EnsureSuccess();
            // ... and the samples on top.
            (await KubectlInRootAsync("apply", "-f", OperatorCrdFiles.WithoutCelDirectory, "-f", "config/rbac", "-f", "config/samples"))
                .EnsureSuccess();

            RbacRules.AssertExactly(PermissionScope.Cluster, (await kube.RbacAuthorizationV1.ReadClusterRoleAsync("pve-operator")).Rules, "the applied ClusterRole");
            RbacRules.AssertExactly(PermissionScope.LeaderElectionNamespace,
                (await kube.RbacAuthorizationV1.ReadNamespacedRoleAsync("pve-operator-leader-election", "pve-system")).Rules, "the applied Lease Role");
            RbacRules.AssertExactly(PermissionScope.SecretNamespace,
                (await kube.RbacAuthorizationV1.ReadNamespacedRoleAsync("pve-operator-secrets", "pve-system")).Rules, "the applied Secret Role");
            var deployment = await kube.AppsV1.ReadNamespacedDeploymentAsync("pve-operator", "pve-system");
            DeploymentChecks.AssertOperatorDeployment(deployment);
            await kube.CoreV1.ReadNamespacedServiceAccountAsync("pve-operator", "pve-system");
            await kube.CoreV1.ReadNamespacedSecretAsync("pve-token", "pve-system");
            await kube.CustomObjects.GetClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "proxmoxproviders", "homelab");
            foreach (var container in new[] { "web", "dns", "batch" })
            {
                await kube.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", "lxccontainers", container);
            }
        }
        finally
        {
            // Everything but the CRDs and the namespace: without a controller-manager a deleted namespace stays
            // Terminating for ever, and other tests may use pve-system. No operator runs here, so no finalizer holds.
            var files = new[] { "config/samples", "config/manager", "config/rbac" }
                .SelectMany(directory => Directory.GetFiles(Path.Combine(Root, directory), "*.yaml"))
                .Where(file => Manifests.Parse(File.ReadAllText(file), file).All(m => m.Kind != "Namespace"))
                .SelectMany(file => new[] { "-f", file });
            await Tools.KubectlAsync(cluster.KubeconfigPath, ["delete", "--ignore-not-found", "--wait=false", .. files]);
        }
    }

    [Fact]
    public async Task Kubectl_refuses_the_shipped_crds_on_a_server_without_cel_and_says_why()
    {
        // Why config/crds-without-cel exists (docs/kubernetes-versions.md): if this starts passing, the docs are wrong.
        var result = await KubectlInRootAsync("apply", "--dry-run=server", "-f", OperatorCrdFiles.ShippedDirectory);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("x-kubernetes-validations", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>kubectl run from the repository root, with the paths exactly as the docs give them.</summary>
    private Task<CommandResult> KubectlInRootAsync(params string[] arguments) =>
        Tools.RunAsync(Tools.Kubectl, ["--kubeconfig", cluster.KubeconfigPath, .. arguments], TimeSpan.FromSeconds(60), Root);
}
