using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PveOperator.Entities;
using PveOperator.Hosting;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Tests.Shipping;

namespace PveOperator.IntegrationTests.Shipping;

/// <summary>
/// The Helm chart with the real helm: lint, template (what it renders), and install, upgrade and uninstall on the
/// real kube-apiserver (RBAC on). Nothing runs pods there, so the tests assert on the stored objects.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class HelmChartTests(ControlPlaneFixture cluster)
{
    private static readonly string Chart = Path.Combine(Manifests.RepositoryRoot(), "charts", "pve-operator");

    private static readonly string[] ProviderValues =
    [
        "--set", "provider.create=true",
        "--set", "provider.url=https://pve.example.com:8006",
        "--set", "provider.tokenId=operator@pve!k8s",
        "--set", "provider.secret=00000000-0000-0000-0000-000000000001",
        "--set", "provider.tls.fingerprint=" + string.Join(':', Enumerable.Repeat("AB", 32)),
    ];

    [Fact]
    public async Task Chart_passes_helm_lint_with_default_and_provider_values()
    {
        (await Tools.HelmOfflineAsync("lint", Chart, "--strict")).EnsureSuccess();
        (await Tools.HelmOfflineAsync(["lint", Chart, "--strict", .. ProviderValues])).EnsureSuccess();
    }

    [Fact]
    public async Task Template_renders_a_hardened_leader_elected_operator_with_exactly_the_required_rbac()
    {
        var rendered = await TemplateAsync("tpl", "ops");
        var deployment = rendered.Single("Deployment").As<V1Deployment>();
        var options = DeploymentChecks.AssertOperatorDeployment(deployment);
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("ops", deployment.Metadata.NamespaceProperty);
        Assert.True(options.LeaderElect);
        Assert.Equal("ops", options.LeaderElectionNamespace);
        Assert.True(options.JsonLogs, "the chart logs JSON by default");
        var resources = deployment.Spec.Template.Spec.Containers[0].Resources;
        Assert.Equal("50m", resources.Requests["cpu"].ToString());
        Assert.Equal("64Mi", resources.Requests["memory"].ToString());
        Assert.Equal("128Mi", resources.Limits["memory"].ToString());

        // RBAC: the same grants as config/rbac, checked against the code's list, in the namespaces the flags name.
        Assert.Equal("ops", options.SecretNamespace);
        RbacRules.AssertManifests(rendered, options, "the chart");
        var configRbac = Manifests.LoadDirectory(Path.Combine(Manifests.RepositoryRoot(), "config", "rbac"));
        foreach (var kind in new[] { "ClusterRole", "Role" })
        {
            Assert.Equal(
                configRbac.Where(m => m.Kind == kind).SelectMany(m => RbacRules.Grants(m.As<V1Role>().Rules)).Order(StringComparer.Ordinal),
                RbacRules.OperatorRoles(rendered, kind).SelectMany(m => RbacRules.Grants(m.As<V1Role>().Rules)).Order(StringComparer.Ordinal));
        }

        // The user roles: the same in config/user-roles and the chart.
        var configUserRoles = Manifests.LoadDirectory(Path.Combine(Manifests.RepositoryRoot(), "config", "user-roles"));
        Assert.Equal(
            configUserRoles.Select(m => (m.Name, string.Join(" ", RbacRules.Grants(m.As<V1ClusterRole>().Rules).Order(StringComparer.Ordinal)))).Order(),
            rendered.Where(m => m.Kind == "ClusterRole").Except(RbacRules.OperatorRoles(rendered, "ClusterRole"))
                .Select(m => (m.Name.Replace("tpl-", "", StringComparison.Ordinal), string.Join(" ", RbacRules.Grants(m.As<V1ClusterRole>().Rules).Order(StringComparer.Ordinal)))).Order());

        Assert.Equal(rendered.Single("ServiceAccount").Name, deployment.Spec.Template.Spec.ServiceAccountName);

        var service = rendered.Single("Service").As<V1Service>();
        Assert.All(service.Spec.Selector, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
        Assert.Equal("metrics", Assert.Single(service.Spec.Ports).TargetPort.Value);

        // Optional parts are off by default.
        Assert.DoesNotContain(rendered, m => m.Kind is "ServiceMonitor" or "ProxmoxProvider" or "Secret");
    }

    [Fact]
    public async Task Template_applies_replicas_service_monitor_log_format_and_extra_args()
    {
        var rendered = await TemplateAsync("tpl", "ops",
            "--set", "replicaCount=3", "--set", "metrics.serviceMonitor.enabled=true", "--set", "logFormat=text",
            "--set", "extraArgs[0]=--max-concurrent-reconciles=8", "--set", "podAnnotations.team=infra",
            "--set", "nodeSelector.role=ops", "--set", "imagePullSecrets[0].name=regcred", "--set", "image.tag=9.9.9");
        var deployment = rendered.Single("Deployment").As<V1Deployment>();
        Assert.Equal(3, deployment.Spec.Replicas);
        var pod = deployment.Spec.Template;
        Assert.Equal("infra", pod.Metadata.Annotations["team"]);
        Assert.Equal("ops", pod.Spec.NodeSelector["role"]);
        Assert.Equal("regcred", Assert.Single(pod.Spec.ImagePullSecrets).Name);
        Assert.Equal($"{DeploymentChecks.ImageRepository}:9.9.9", pod.Spec.Containers[0].Image);
        var options = OperatorOptionsParser.Parse(pod.Spec.Containers[0].Args.ToList());
        Assert.False(options.JsonLogs);
        Assert.Equal(8, options.MaxConcurrentReconciles);

        var monitor = rendered.Single("ServiceMonitor");
        Assert.Equal("monitoring.coreos.com/v1", monitor.ApiVersion);
        Assert.Contains("port: metrics", monitor.Yaml);
    }

    [Fact]
    public async Task Secret_namespace_moves_the_secret_role_the_flag_and_the_provider_secret_together()
    {
        var rendered = await TemplateAsync("tpl", "ops", [.. ProviderValues, "--set", "secretNamespace=vault"]);
        var options = OperatorOptionsParser.Parse(rendered.Single("Deployment").As<V1Deployment>().Spec.Template.Spec.Containers[0].Args.ToList());
        Assert.Equal(("ops", "vault"), (options.LeaderElectionNamespace, options.SecretNamespace));
        RbacRules.AssertManifests(rendered, options, "the chart with secretNamespace");
        var secret = rendered.Single("Secret");
        Assert.Equal("vault", secret.Namespace);
        Assert.Equal(("vault", secret.Name), (rendered.Single("ProxmoxProvider").As<V1Alpha1ProxmoxProvider>().Spec.SecretRef!.Namespace, secret.Name));
    }

    [Fact]
    public async Task Template_creates_the_provider_and_its_token_secret_from_values()
    {
        var rendered = await TemplateAsync("tpl", "ops", ProviderValues);
        var secret = rendered.Single("Secret").As<V1Secret>();
        Assert.Equal("ops", secret.Metadata.NamespaceProperty);
        var provider = rendered.Single("ProxmoxProvider").As<V1Alpha1ProxmoxProvider>();
        Assert.Equal("https://pve.example.com:8006", provider.Spec.Url);
        Assert.Equal("operator@pve!k8s", provider.Spec.TokenId);
        Assert.Equal(("ops", secret.Metadata.Name, "secret"), (provider.Spec.SecretRef!.Namespace, provider.Spec.SecretRef!.Name, provider.Spec.SecretRef!.Key));
        Assert.Equal("00000000-0000-0000-0000-000000000001", System.Text.Encoding.UTF8.GetString(secret.Data["secret"]));
        Assert.Equal("true", secret.Metadata.Labels["pve-operator.io/credentials"]);
        Assert.Equal(string.Join(':', Enumerable.Repeat("AB", 32)), provider.Spec.Tls!.Fingerprint);

        // With an existing Secret the chart creates none and points the provider at it.
        rendered = await TemplateAsync("tpl", "ops",
            "--set", "provider.create=true", "--set", "provider.url=https://pve:8006", "--set", "provider.tokenId=a@pve!b",
            "--set", "provider.existingSecret=my-token", "--set", "provider.secretKey=token", "--set", "provider.name=lab");
        Assert.DoesNotContain(rendered, m => m.Kind == "Secret");
        provider = rendered.Single("ProxmoxProvider").As<V1Alpha1ProxmoxProvider>();
        Assert.Equal(("lab", "my-token", "token"), (provider.Metadata.Name, provider.Spec.SecretRef!.Name, provider.Spec.SecretRef!.Key));
        Assert.Null(provider.Spec.Tls);

        // Missing or wrong values fail the render with a message that says what to set.
        var noSecret = await Tools.HelmOfflineAsync("template", "tpl", Chart,
            "--set", "provider.create=true", "--set", "provider.url=https://pve:8006", "--set", "provider.tokenId=a@pve!b");
        Assert.NotEqual(0, noSecret.ExitCode);
        Assert.Contains("provider.existingSecret", noSecret.Stderr);
        var noUrl = await Tools.HelmOfflineAsync("template", "tpl", Chart, "--set", "provider.create=true", "--set", "provider.secret=x",
            "--set", "provider.tokenId=a@pve!b");
        Assert.NotEqual(0, noUrl.ExitCode);
        Assert.Contains("provider.url is required", noUrl.Stderr);
        var badUrl = await Tools.HelmOfflineAsync("template", "tpl", Chart, "--set", "provider.url=http://pve:8006");
        Assert.NotEqual(0, badUrl.ExitCode);
        Assert.Contains("/provider/url", badUrl.Stderr);
    }

    [Fact]
    public async Task Install_upgrade_and_uninstall_on_the_real_api_server()
    {
        var ns = await cluster.CreateNamespaceAsync();
        var release = $"ship-{Guid.NewGuid():N}"[..13];
        var providerName = $"{release}-pvp";
        var kube = cluster.Client;
        // The shipped chart's CRDs carry CEL rules and its kubeVersion excludes 1.20; this server gets the chart's
        // templates with the CRDs without CEL (docs/kubernetes-versions.md).
        var chart = OperatorCrdFiles.ChartForKubernetes120(Chart);
        try
        {
            // Helm 4 server-side-applies crds/ even when they exist; other tests create them with other field
            // managers (kubectl's client-side apply, the API), so take over their fields (the content is the same).
            var install = (await Tools.HelmAsync(cluster.KubeconfigPath,
                ["install", release, chart, "--namespace", ns, "--force-conflicts", "--set", $"provider.name={providerName}", .. ProviderValues]))
                .EnsureSuccess();
            Assert.Contains("proxmoxprovider", install.Stdout, StringComparison.OrdinalIgnoreCase); // NOTES.txt: what to do next

            var fullname = $"{release}-pve-operator";
            var deployment = await kube.AppsV1.ReadNamespacedDeploymentAsync(fullname, ns);
            Assert.Equal(2, deployment.Spec.Replicas);
            DeploymentChecks.AssertOperatorDeployment(deployment);
            Assert.Equal(fullname, (await kube.CoreV1.ReadNamespacedServiceAccountAsync(fullname, ns)).Metadata.Name);
            RbacRules.AssertExactly(PermissionScope.Cluster, (await kube.RbacAuthorizationV1.ReadClusterRoleAsync(fullname)).Rules, "the installed ClusterRole");
            RbacRules.AssertExactly(PermissionScope.LeaderElectionNamespace,
                (await kube.RbacAuthorizationV1.ReadNamespacedRoleAsync($"{fullname}-leader-election", ns)).Rules, "the installed Lease Role");
            RbacRules.AssertExactly(PermissionScope.SecretNamespace,
                (await kube.RbacAuthorizationV1.ReadNamespacedRoleAsync($"{fullname}-secrets", ns)).Rules, "the installed Secret Role");
            Assert.Equal(fullname, Assert.Single((await kube.RbacAuthorizationV1.ReadClusterRoleBindingAsync(fullname)).Subjects).Name);
            await kube.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync($"{fullname}-leader-election", ns);
            await kube.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync($"{fullname}-secrets", ns);
            await kube.CoreV1.ReadNamespacedServiceAsync($"{fullname}-metrics", ns);

            var provider = await ReadProviderAsync(providerName);
            Assert.Equal("https://pve.example.com:8006", provider.Spec.Url);
            Assert.Equal((ns, $"{fullname}-token"), (provider.Spec.SecretRef!.Namespace, provider.Spec.SecretRef!.Name));
            await kube.CoreV1.ReadNamespacedSecretAsync($"{fullname}-token", ns);

            // Upgrade: a changed value reaches the Deployment.
            (await Tools.HelmAsync(cluster.KubeconfigPath, "upgrade", release, chart, "--namespace", ns, "--reuse-values",
                "--set", "replicaCount=3", "--set", "logLevel=Debug")).EnsureSuccess();
            deployment = await kube.AppsV1.ReadNamespacedDeploymentAsync(fullname, ns);
            Assert.Equal(3, deployment.Spec.Replicas);
            Assert.Contains("--log-level=Debug", deployment.Spec.Template.Spec.Containers[0].Args);
            using (var status = System.Text.Json.JsonDocument.Parse(
                       (await Tools.HelmAsync(cluster.KubeconfigPath, "status", release, "--namespace", ns, "-o", "json")).EnsureSuccess().Stdout))
            {
                Assert.Equal(2, status.RootElement.GetProperty("version").GetInt32());
                Assert.Equal("deployed", status.RootElement.GetProperty("info").GetProperty("status").GetString());
            }

            // Uninstall removes what the release created; the CRDs stay.
            (await Tools.HelmAsync(cluster.KubeconfigPath, "uninstall", release, "--namespace", ns)).EnsureSuccess();
            await AssertGoneAsync(() => kube.AppsV1.ReadNamespacedDeploymentAsync(fullname, ns));
            await AssertGoneAsync(() => kube.CoreV1.ReadNamespacedServiceAccountAsync(fullname, ns));
            await AssertGoneAsync(() => kube.CoreV1.ReadNamespacedServiceAsync($"{fullname}-metrics", ns));
            await AssertGoneAsync(() => kube.CoreV1.ReadNamespacedSecretAsync($"{fullname}-token", ns));
            await AssertGoneAsync(() => kube.RbacAuthorizationV1.ReadClusterRoleAsync(fullname));
            await AssertGoneAsync(() => kube.RbacAuthorizationV1.ReadClusterRoleBindingAsync(fullname));
            await AssertGoneAsync(() => kube.RbacAuthorizationV1.ReadNamespacedRoleAsync($"{fullname}-leader-election", ns));
            await AssertGoneAsync(() => kube.RbacAuthorizationV1.ReadNamespacedRoleAsync($"{fullname}-secrets", ns));
            await AssertGoneAsync(() => ReadProviderAsync(providerName));
            await kube.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"proxmoxproviders.{ApiGroup.Group}");
            await kube.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"lxccontainers.{ApiGroup.Group}");
        }
        finally
        {
            await Tools.HelmAsync(cluster.KubeconfigPath, "uninstall", release, "--namespace", ns, "--ignore-not-found");
            await IgnoreNotFoundAsync(() => kube.CoreV1.DeleteNamespaceAsync(ns));
            Directory.Delete(chart, recursive: true);
        }
    }

    [Fact]
    public async Task The_shipped_chart_refuses_a_server_older_than_its_kube_version()
    {
        // The shipped chart says which servers it supports; on 1.20 helm stops before sending anything.
        var result = await Tools.HelmAsync(cluster.KubeconfigPath, "install", "too-old", Chart, "--namespace", "default", "--dry-run=server");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("kubeVersion", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<V1Alpha1ProxmoxProvider> ReadProviderAsync(string name) =>
        KubernetesJson.Deserialize<V1Alpha1ProxmoxProvider>(KubernetesJson.Serialize(
            await cluster.Client.CustomObjects.GetClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "proxmoxproviders", name)));

    [Fact]
    public async Task Hardening_digest_no_diagnostics_pdb_network_policy_and_insecure_tls_flag()
    {
        var defaults = await TemplateAsync("tpl", "ops");
        var container = defaults.Single("Deployment").As<V1Deployment>().Spec.Template.Spec.Containers[0];
        Assert.Contains(container.Env, e => e.Name == "DOTNET_EnableDiagnostics" && e.Value == "0");
        Assert.DoesNotContain("--allow-insecure-tls", container.Args);
        Assert.DoesNotContain(defaults, m => m.Kind is "NetworkPolicy" or "PodDisruptionBudget");
        Assert.Equal(3, defaults.Count(m => m.Kind == "ClusterRole" && m.Yaml.Contains("aggregate-to-", StringComparison.Ordinal)));

        const string digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var hardened = await TemplateAsync("tpl", "ops",
            "--set", $"image.digest={digest}", "--set", "allowInsecureTLS=true", "--set", "networkPolicy.enabled=true", "--set", "podDisruptionBudget.enabled=true",
            "--set", "networkPolicy.apiServer.cidrs[0]=10.96.0.1/32", "--set", "networkPolicy.pveEndpoints[0].cidr=192.168.1.0/24");
        container = hardened.Single("Deployment").As<V1Deployment>().Spec.Template.Spec.Containers[0];
        Assert.Equal($"ghcr.io/pve-operator/pve-operator@{digest}", container.Image);
        Assert.Contains("--allow-insecure-tls", container.Args);
        Assert.Equal("1", hardened.Single("PodDisruptionBudget").As<V1PodDisruptionBudget>().Spec.MaxUnavailable.Value);
        var policy = hardened.Single("NetworkPolicy").As<V1NetworkPolicy>();
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
        Assert.Equal([8080, 8081], policy.Spec.Ingress.SelectMany(i => i.Ports).Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(policy.Spec.Egress, e => e.To?.Any(t => t.IpBlock?.Cidr == "192.168.1.0/24") == true && e.Ports.Single().Port.Value == "8006");
        Assert.Contains(policy.Spec.Egress, e => e.To?.Any(t => t.IpBlock?.Cidr == "10.96.0.1/32") == true);

        // Without its endpoints the policy would cut the operator off: the chart refuses.
        var incomplete = await Tools.HelmOfflineAsync("template", "tpl", Chart, "--set", "networkPolicy.enabled=true");
        Assert.NotEqual(0, incomplete.ExitCode);
    }

    private static async Task<IReadOnlyList<Manifest>> TemplateAsync(string release, string ns, params string[] values)
    {
        var result = (await Tools.HelmOfflineAsync(["template", release, Chart, "--namespace", ns, .. values])).EnsureSuccess();
        return Manifests.Parse(result.Stdout, "helm template");
    }

    internal static async Task AssertGoneAsync<T>(Func<Task<T>> read)
    {
        // Deletion without finalizers is immediate; allow a moment for anything the API server finishes asynchronously.
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await read();
                return false;
            }
            catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
        }, "the object is deleted", TimeSpan.FromSeconds(10));
    }

    internal static async Task IgnoreNotFoundAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}
