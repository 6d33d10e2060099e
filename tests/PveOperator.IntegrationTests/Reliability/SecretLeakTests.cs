using System.Text;
using k8s;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>
/// The token secrets never leave the Secret: a full run at the most verbose log level (a provider with the wrong
/// secret, rotation to the right one, another with a token lacking a privilege, a missing key, a certificate
/// mismatch, failing and dropped requests, starts, shutdowns, a failed task, deletions) is scanned for every secret
/// it used, right and wrong, in everything it emitted: all log lines, the text of every exception thrown in the
/// process meanwhile (caught or not), all Events in the test namespace and in default (where those of cluster-scoped
/// providers go), both kinds' full objects as kubectl shows them, and the metrics. The password path is in the run
/// too: a wrong password rotated to the right one, a user with a second factor, and a container started (CSRF-checked
/// writes) through a password provider; its tickets must not appear either.
/// TLS verification being on unless a provider turns it off is shown by
/// <see cref="ProviderTests.A_self_signed_certificate_without_pin_or_CA_is_a_TLSError"/>.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class SecretLeakTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    // Read by the operator's host configuration ("Logging:LogLevel:Default"): overrides the harness's Debug.
    private const string LogLevelVariable = "Logging__LogLevel__Default";

    private readonly string wrongSecret = Guid.NewGuid().ToString();
    private readonly string limitedSecret = Guid.NewGuid().ToString();
    private readonly string misplacedSecret = Guid.NewGuid().ToString();
    private readonly string pinnedWrongSecret = Guid.NewGuid().ToString();
    private readonly string rightPassword = $"pw-{Guid.NewGuid():N}";
    private readonly string wrongPassword = $"pw-{Guid.NewGuid():N}";
    private readonly string secondFactorPassword = $"pw-{Guid.NewGuid():N}";
    private readonly StringBuilder exceptions = new();
    private OperatorHarness harness = null!;

    public async Task InitializeAsync()
    {
        var previous = Environment.GetEnvironmentVariable(LogLevelVariable);
        Environment.SetEnvironmentVariable(LogLevelVariable, "Trace");
        try
        {
            harness = await OperatorHarness.StartAsync(controlPlane, output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LogLevelVariable, previous);
        }
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task No_token_secret_appears_in_logs_events_statuses_exceptions_or_metrics_of_a_full_run()
    {
        AppDomain.CurrentDomain.FirstChanceException += RecordException;
        try
        {
            await RunAndScanAsync();
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= RecordException;
        }
    }

    private void RecordException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
    {
        lock (exceptions)
        {
            exceptions.AppendLine(e.Exception.ToString());
        }
    }

    private async Task RunAndScanAsync()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(ReliabilityKit.Container(501, "pve1", running: false));
        simulator.Cluster.AddContainer(ReliabilityKit.Container(502, "pve2", running: true));
        var template = ReliabilityKit.Container(503, "pve1", running: false);
        template.Template = true;
        simulator.Cluster.AddContainer(template);
        simulator.Cluster.AddContainer(ReliabilityKit.Container(504, "pve2", running: false));
        simulator.Cluster.AddContainer(ReliabilityKit.Container(505, "pve1", running: true));
        simulator.Cluster.AddContainer(ReliabilityKit.Container(506, "pve2", running: false));
        simulator.Cluster.AddToken("operator@pve!limited", limitedSecret, "VM.Audit", "Sys.Audit");

        // The wrong secret first, then rotated to the right one.
        var main = await harness.CreateProviderAsync(simulator, secret: wrongSecret);
        await harness.WaitForProviderAsync(main, "False", Reasons.AuthenticationFailed);
        await harness.CreateSecretAsync($"{main}-token", simulator.DefaultTokenSecret);
        await harness.WaitForProviderAsync(main, "True", Reasons.Connected);

        // A token without VM.PowerMgmt; a Secret holding the secret under another key; a certificate mismatch.
        var limited = await harness.CreateProviderAsync(simulator, secret: limitedSecret, customize: p => p.Spec.TokenId = "operator@pve!limited");
        var misplaced = await harness.CreateProviderAsync(simulator, secret: misplacedSecret, customize: p => p.Spec.SecretRef!.Key = "token");
        var pinned = await harness.CreateProviderAsync(simulator, secret: pinnedWrongSecret,
            customize: p => p.Spec.Tls = new ProviderTlsSpec { Fingerprint = string.Join(':', Enumerable.Repeat("0F", 32)) });
        await harness.WaitForProviderAsync(misplaced, "False", Reasons.SecretNotFound);
        await harness.WaitForProviderAsync(pinned, "False", Reasons.TlsError);

        // Password logins: a wrong password rotated to the right one, and a user with a second factor.
        simulator.Cluster.AddUser("root@pam", rightPassword);
        simulator.Cluster.AddUser("mfa@pve", secondFactorPassword, totpCode: "123456");
        var byPassword = await CreatePasswordProviderAsync(simulator, "root@pam", wrongPassword);
        var secondFactor = await CreatePasswordProviderAsync(simulator, "mfa@pve", secondFactorPassword);
        await harness.WaitForProviderAsync(byPassword, "False", Reasons.AuthenticationFailed);
        await harness.WaitForProviderAsync(secondFactor, "False", Reasons.AuthenticationFailed);
        await harness.CreateSecretAsync($"{byPassword}-password", rightPassword, key: "password");
        await harness.WaitForProviderAsync(byPassword, "True", Reasons.Connected);

        // Failing and dropped requests while containers are started, shut down and fail.
        simulator.Faults.UseSeed(11);
        simulator.Faults.SetErrorRate(null, null, 0.2, 596);
        simulator.Faults.DropConnectionRate = 0.1;
        var started = await harness.CreateContainerAsync(main, 501);
        var stopped = await harness.CreateContainerAsync(main, 502, PowerState.Stopped, s => s.DeletionPolicy = DeletionPolicy.Stop);
        var failing = await harness.CreateContainerAsync(main, 503);
        var denied = await harness.CreateContainerAsync(limited, 504);
        var nowhere = await harness.CreateContainerAsync(main, 505, customize: s => s.Node = "pve9");
        var viaPassword = await harness.CreateContainerAsync(byPassword, 506);
        // Keep the faults until the operator has worked on each container under them (505's node does not exist).
        await Eventually.TrueAsync(() => new[] { 501, 502, 503, 504, 506 }.All(vmid => simulator.Counters.ContainerRequests(vmid) >= 2),
            "every container was asked about while faults were on", TimeSpan.FromSeconds(20));
        simulator.Faults.Clear();

        await harness.WaitForContainerAsync(started, "True", Reasons.Running);
        await harness.WaitForContainerAsync(stopped, "True", Reasons.Stopped);
        await harness.WaitForContainerAsync(failing, "False", Reasons.TaskFailed);
        await harness.WaitForContainerAsync(denied, "False", Reasons.PermissionDenied);
        await harness.WaitForContainerAsync(nowhere, "False", Reasons.NotFound);
        await harness.WaitForContainerAsync(viaPassword, "True", Reasons.Running);
        Assert.True(simulator.Logins.PasswordLogins >= 1);
        await harness.PatchContainerSpecAsync(stopped, new { powerState = "Running" });
        await harness.WaitForContainerAsync(stopped, "True", Reasons.Running);
        await harness.DeleteContainerAsync(stopped);
        await Eventually.TrueAsync(async () => !await harness.ContainerExistsAsync(stopped), "the Stop-policy container is gone", TimeSpan.FromSeconds(20));
        await harness.DeleteProviderAsync(limited);
        await harness.WaitForContainerAsync(denied, "False", Reasons.ProviderNotReady);

        // Everything the run emitted.
        var emitted = new Dictionary<string, string>
        {
            ["operator log (Trace, with exceptions)"] = harness.Log.ToString(),
            [$"Events in {harness.Namespace}"] = KubernetesJson.Serialize(await harness.Kube.CoreV1.ListNamespacedEventAsync(harness.Namespace)),
            ["Events in default"] = KubernetesJson.Serialize(await harness.Kube.CoreV1.ListNamespacedEventAsync("default")),
            ["kubectl get lxc -A -o yaml"] = (await harness.KubectlAsync("get", "lxc", "-A", "-o", "yaml")).Output,
            ["kubectl get pvp -o yaml"] = (await harness.KubectlAsync("get", "pvp", "-o", "yaml")).Output,
            ["kubectl describe lxc"] = (await harness.KubectlAsync("describe", "lxc", "-n", harness.Namespace)).Output,
            ["kubectl describe pvp"] = (await harness.KubectlAsync("describe", "pvp")).Output,
            ["metrics"] = await MetricsTextAsync(),
        };
        lock (exceptions)
        {
            emitted["exceptions thrown during the run"] = exceptions.ToString();
        }

        // The scan is meaningful only if the run said a lot, at Trace, about failures.
        var log = emitted["operator log (Trace, with exceptions)"];
        Assert.Contains("Trace ", log, StringComparison.Ordinal);
        Assert.Contains(Reasons.AuthenticationFailed, log, StringComparison.Ordinal);
        Assert.Contains("PveApiException", emitted["exceptions thrown during the run"], StringComparison.Ordinal);
        Assert.Contains(Reasons.PermissionDenied, emitted[$"Events in {harness.Namespace}"], StringComparison.Ordinal);
        Assert.Contains(Reasons.AuthenticationFailed, emitted["Events in default"], StringComparison.Ordinal);
        foreach (var (what, text) in emitted)
        {
            output.WriteLine($"scanned {what}: {text.Length} characters");
        }

        var secrets = new Dictionary<string, string>
        {
            ["the right secret"] = simulator.DefaultTokenSecret,
            ["the wrong secret"] = wrongSecret,
            ["the limited token's secret"] = limitedSecret,
            ["the secret under another key"] = misplacedSecret,
            ["the secret of the provider with a certificate mismatch"] = pinnedWrongSecret,
            ["the right password"] = rightPassword,
            ["the wrong password"] = wrongPassword,
            ["the password of the user with a second factor"] = secondFactorPassword,
        };
        // The scan finds what it looks for: the header the client sends, as a control.
        Assert.NotEmpty(Leaks(new Dictionary<string, string> { ["control"] = simulator.DefaultAuthorizationHeader }, secrets));
        Assert.NotEmpty(Leaks(new Dictionary<string, string> { ["control"] = $"username=root%40pam&password={rightPassword}" }, secrets));
        var leaks = Leaks(emitted, secrets);
        Assert.True(leaks.Count == 0, "leaked: " + string.Join("; ", leaks));
    }

    private static List<string> Leaks(IReadOnlyDictionary<string, string> emitted, IReadOnlyDictionary<string, string> secrets)
    {
        var leaks = new List<string>();
        foreach (var (name, secret) in secrets)
        {
            // The whole secret, and its first and last groups (a secret cut short or masked badly leaks too).
            string[] fragments = [secret, secret[..8], secret[^12..]];
            foreach (var (what, text) in emitted)
            {
                leaks.AddRange(fragments.Where(f => text.Contains(f, StringComparison.OrdinalIgnoreCase)).Select(f => $"{name} ({f}) in {what}"));
            }
        }

        foreach (var (what, text) in emitted)
        {
            if (text.Contains("PVEAPIToken", StringComparison.OrdinalIgnoreCase))
            {
                leaks.Add($"an Authorization header in {what}");
            }

            // A ticket opens PVE as the user for 2 h: the cookie and its CSRF token are secrets too.
            if (text.Contains("PVEAuthCookie", StringComparison.OrdinalIgnoreCase) || text.Contains("PVE:root@pam:", StringComparison.OrdinalIgnoreCase)
                || text.Contains("PVE%3Aroot%40pam", StringComparison.OrdinalIgnoreCase))
            {
                leaks.Add($"a login ticket in {what}");
            }
        }

        return leaks;
    }

    private async Task<string> CreatePasswordProviderAsync(PveSimulatorServer simulator, string user, string password)
    {
        var name = $"pvp-{Guid.NewGuid():N}"[..12];
        await harness.CreateSecretAsync($"{name}-password", password, key: "password");
        return await harness.CreateProviderAsync(simulator, name, p =>
        {
            p.Spec.TokenId = null;
            p.Spec.SecretRef = null;
            p.Spec.PasswordAuth = new PasswordAuthSpec
            {
                Username = user,
                SecretRef = new SecretKeyReference { Namespace = harness.Namespace, Name = $"{name}-password", Key = "password" },
            };
        });
    }

    private async Task<string> MetricsTextAsync()
    {
        using var stream = new MemoryStream();
        await harness.Metrics.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
