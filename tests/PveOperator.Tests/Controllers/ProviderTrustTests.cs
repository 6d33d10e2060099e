using System.Text;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;
using PveOperator.Tests.Controllers.Fakes;
using PveSimulator;

namespace PveOperator.Tests.Controllers;

/// <summary>What a provider may do with credentials and TLS, and the privilege pre-check, against the in-process simulator.</summary>
public sealed class ProviderTrustTests : IAsyncLifetime
{
    private const string TokenId = "operator@pve!k8s";
    private const string OperatorNamespace = "pve-system";
    private const string TokenSecret = "5f0c3d1e-8a7b-4c2d-9e6f-0a1b2c3d4e5f";
    private const string Password = "correct horse battery staple";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ProviderRegistry registry = new(retiredConnectionGrace: TimeSpan.Zero);
    private readonly SimulatorClientFactory factory = new(NullLoggerFactory.Instance);
    private readonly FakeSecretReader secrets = new();
    private readonly FakeStatusWriter<V1Alpha1ProxmoxProvider, ProxmoxProviderStatus> writer = new();
    private readonly FakeEventRecorder events = new();

    private PveSimulatorServer server = null!;

    public ProviderTrustTests()
    {
        secrets.Put(OperatorNamespace, "pve-token", "secret", TokenSecret);
        secrets.Put(OperatorNamespace, "root-password", "password", Password);
    }

    public async Task InitializeAsync()
    {
        server = await PveSimulatorServer.StartAsync(new SimulatorOptions { ClusterName = "lab", TimeProvider = clock, UnauthorizedDelay = TimeSpan.Zero });
        server.Cluster.AddNode("pve1", "10.0.0.11");
        server.Cluster.AddAdministratorToken(TokenId, TokenSecret);
        server.Cluster.AddUser("root@pam", Password);
    }

    public async Task DisposeAsync()
    {
        registry.Dispose();
        foreach (var (_, client) in factory.Created)
        {
            client.Dispose();
        }

        await server.DisposeAsync();
    }

    private ProxmoxProviderReconciler Reconciler(ProviderPolicy? policy = null) =>
        new(registry, factory, secrets, writer, events, new FakeContainerNotifier().Channel, new ContainerControllerSettings(),
            new ProviderMetrics(Prometheus.Metrics.NewCustomRegistry()), clock, NullLogger<ProxmoxProviderReconciler>.Instance,
            policy ?? new ProviderPolicy(OperatorNamespace));

    private V1Alpha1ProxmoxProvider Provider(Action<ProxmoxProviderSpec>? edit = null)
    {
        var provider = new V1Alpha1ProxmoxProvider
        {
            Metadata = new V1ObjectMeta { Name = "lab", Generation = 1, Uid = "uid-lab" },
            Spec = new ProxmoxProviderSpec
            {
                Url = server.BaseUrl.ToString(),
                TokenId = TokenId,
                SecretRef = new SecretKeyReference { Namespace = OperatorNamespace, Name = "pve-token" },
                Tls = new ProviderTlsSpec { Fingerprint = server.CertificateFingerprint },
            },
        };
        edit?.Invoke(provider.Spec);
        return provider;
    }

    private static V1Condition Ready(V1Alpha1ProxmoxProvider provider) => ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!;

    [Fact]
    public async Task InsecureSkipVerify_is_refused_by_default_and_no_client_is_built()
    {
        var provider = Provider(s => s.Tls = new ProviderTlsSpec { InsecureSkipVerify = true });

        await Reconciler().ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal(("False", Reasons.InsecureTlsNotAllowed), (Ready(provider).Status, Ready(provider).Reason));
        Assert.Equal("True", ConditionList.Find(provider.Status.Conditions, ConditionTypes.Stalled)!.Status);
        Assert.Empty(factory.Created);
    }

    [Fact]
    public async Task InsecureSkipVerify_when_allowed_connects_with_a_condition_and_one_warning()
    {
        var provider = Provider(s => s.Tls = new ProviderTlsSpec { InsecureSkipVerify = true });
        var reconciler = Reconciler(new ProviderPolicy(OperatorNamespace, AllowInsecureTls: true));

        await reconciler.ReconcileAsync(provider, CancellationToken.None);
        await reconciler.ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal("True", Ready(provider).Status);
        var insecure = ConditionList.Find(provider.Status.Conditions, ConditionTypes.InsecureTls)!;
        Assert.Equal(("True", Reasons.InsecureTlsAllowed), (insecure.Status, insecure.Reason));
        Assert.Single(events.Events, e => e.Type == EventType.Warning && e.Reason == Reasons.InsecureTlsAllowed);
    }

    [Fact]
    public async Task A_secret_outside_the_operator_namespace_is_not_read()
    {
        secrets.Put("team-a", "stolen", "secret", TokenSecret);
        var provider = Provider(s => s.SecretRef = new SecretKeyReference { Namespace = "team-a", Name = "stolen" });

        await Reconciler().ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal(Reasons.SecretNotAllowed, Ready(provider).Reason);
        Assert.Equal(0, secrets.Reads);
    }

    [Fact]
    public async Task A_token_secret_that_is_not_a_uuid_is_never_sent()
    {
        secrets.Put(OperatorNamespace, "pve-token", "secret", "hunter2-not-a-uuid");
        var provider = Provider();

        await Reconciler().ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal(Reasons.InvalidSpec, Ready(provider).Reason);
        Assert.DoesNotContain("hunter2", Ready(provider).Message, StringComparison.Ordinal);
        Assert.Empty(factory.Created);
    }

    [Fact]
    public async Task Password_auth_builds_a_client_for_the_user_with_the_password()
    {
        var provider = Provider(s =>
        {
            s.TokenId = null;
            s.SecretRef = null;
            s.PasswordAuth = new PasswordAuthSpec
            {
                Username = "root@pam",
                SecretRef = new SecretKeyReference { Namespace = OperatorNamespace, Name = "root-password", Key = "password" },
            };
        });

        await Reconciler(new ProviderPolicy(OperatorNamespace, TicketRenewAfter: TimeSpan.FromMinutes(10))).ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal("True", Ready(provider).Status);
        var settings = Assert.Single(factory.Created).Settings;
        Assert.Equal(("root@pam", (PveTokenId?)null, TimeSpan.FromMinutes(10)), (settings.Username, settings.TokenId, settings.TicketRenewAfter));
        Assert.Equal(new PveSecret(Password), settings.Secret);
        Assert.DoesNotContain(Password, Serialized(provider), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_factor_is_AuthenticationFailed_saying_to_use_a_token()
    {
        server.Cluster.AddUser("ops@pam", Password, totpCode: "123456");
        var provider = Provider(s =>
        {
            s.TokenId = null;
            s.SecretRef = null;
            s.PasswordAuth = new PasswordAuthSpec { Username = "ops@pam", SecretRef = new SecretKeyReference { Namespace = OperatorNamespace, Name = "root-password", Key = "password" } };
        });

        await Reconciler().ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal(Reasons.AuthenticationFailed, Ready(provider).Reason);
        Assert.Contains("two-factor", Ready(provider).Message, StringComparison.Ordinal);
        Assert.Contains("API token", Ready(provider).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_privileges_are_listed_with_the_pveum_command_and_the_provider_stays_ready()
    {
        server.Cluster.AddToken(TokenId, TokenSecret, "Sys.Audit", "VM.Audit");
        var provider = Provider();

        await Reconciler().ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal("True", Ready(provider).Status);
        Assert.Equal(["VM.PowerMgmt on /vms"], provider.Status.MissingPrivileges!);
        var sufficient = ConditionList.Find(provider.Status.Conditions, ConditionTypes.PermissionsSufficient)!;
        Assert.Equal(("False", Reasons.MissingPrivileges), (sufficient.Status, sufficient.Reason));
        Assert.Contains("pveum role add PVEOperator --privs \"VM.PowerMgmt\"", sufficient.Message, StringComparison.Ordinal);
        Assert.Single(events.Events, e => e.Reason == Reasons.MissingPrivileges);

        // Granted: the next check (once per resync interval, not every sync) drops the list, the condition turns True.
        server.Cluster.AddToken(TokenId, TokenSecret, "Sys.Audit", "VM.Audit", "VM.PowerMgmt");
        await Reconciler().ReconcileAsync(provider, CancellationToken.None);
        Assert.Equal(["VM.PowerMgmt on /vms"], provider.Status.MissingPrivileges!);
        clock.Advance(new ContainerControllerSettings().ResyncInterval);
        await Reconciler().ReconcileAsync(provider, CancellationToken.None);
        Assert.Null(provider.Status.MissingPrivileges);
        Assert.Equal("True", ConditionList.Find(provider.Status.Conditions, ConditionTypes.PermissionsSufficient)!.Status);
    }

    [Theory]
    [InlineData("4s")]
    [InlineData("25h")]
    [InlineData("99h")]
    public async Task A_sync_interval_outside_5s_to_24h_is_InvalidSpec(string interval)
    {
        var provider = Provider(s => s.SyncInterval = interval);

        var result = await Reconciler().ReconcileAsync(provider, CancellationToken.None);

        Assert.Equal(Reasons.InvalidSpec, Ready(provider).Reason);
        Assert.Equal(ReconcileResult.RequeueAfter(ProxmoxProviderReconciler.DefaultSyncInterval), result);
    }

    private static string Serialized(V1Alpha1ProxmoxProvider provider) => k8s.KubernetesJson.Serialize(provider);
}
