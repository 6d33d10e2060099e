using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.Tests.Shipping;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Shipping;

/// <summary>
/// Docker cannot build here, so this replays the Dockerfile without it: the build stage's WORKDIR, COPY (with
/// .dockerignore's bin/obj exclusions) and RUN lines in a scratch directory, then the runtime stage's COPY
/// --from, and starts the ENTRYPOINT it names from the runtime stage's WORKDIR, as the container would.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DockerfileBuildTests(ControlPlaneFixture cluster, ITestOutputHelper output) : IDisposable
{
    private static readonly string Root = Manifests.RepositoryRoot();
    private readonly string scratch = Directory.CreateTempSubdirectory("pve-operator-docker-").FullName;

    [Fact]
    public async Task Published_output_the_image_copies_starts_with_the_dockerfile_entrypoint()
    {
        var stages = DockerfileModel.Load(Root);
        var build = stages[0];
        var runtime = stages[^1];
        var buildFs = Path.Combine(scratch, "build");
        var runtimeFs = Path.Combine(scratch, "runtime");

        // Build stage.
        var workdir = "/";
        foreach (var instruction in build.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    workdir = ContainerPath(workdir, instruction.Arguments);
                    Directory.CreateDirectory(HostPath(buildFs, workdir));
                    break;
                case "COPY":
                    var tokens = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    Assert.DoesNotContain(tokens, t => t.StartsWith("--", StringComparison.Ordinal));
                    foreach (var source in tokens[..^1])
                    {
                        Copy(Path.Combine(Root, source), HostPath(buildFs, ContainerPath(workdir, tokens[^1])), tokens[^1].EndsWith('/') || tokens[^1] is "." or "./");
                    }

                    break;
                case "RUN":
                    await RunInStageAsync(buildFs, workdir, instruction.Arguments);
                    break;
                default:
                    Assert.Fail($"the build stage uses {instruction.Keyword}, which this replay does not know: extend DockerfileBuildTests");
                    break;
            }
        }

        // Runtime stage: WORKDIR and COPY --from=build only; ENTRYPOINT runs from the WORKDIR.
        workdir = "/";
        foreach (var instruction in runtime.Instructions)
        {
            if (instruction.Keyword == "WORKDIR")
            {
                workdir = ContainerPath(workdir, instruction.Arguments);
                Directory.CreateDirectory(HostPath(runtimeFs, workdir));
            }
            else if (instruction.Keyword == "COPY")
            {
                var tokens = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal($"--from={build.Name}", tokens[0]);
                Copy(HostPath(buildFs, tokens[1]), HostPath(runtimeFs, ContainerPath(workdir, tokens[2])), intoDirectory: true);
            }
        }

        var app = HostPath(runtimeFs, workdir);
        var entrypoint = DockerfileModel.ExecForm(Assert.Single(runtime.All("ENTRYPOINT")));
        var executable = HostPath(runtimeFs, entrypoint[0]);
        Assert.True(File.Exists(executable), $"{entrypoint[0]} is not in the published output: {string.Join(", ", Directory.GetFiles(app).Select(Path.GetFileName))}");

        // The runtime-deps image has no .NET runtime: the entrypoint must be a native executable needing none of it.
        var header = new byte[4];
        await using (var file = File.OpenRead(executable))
        {
            await file.ReadExactlyAsync(header);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), header);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(executable).HasFlag(UnixFileMode.OtherExecute),
            "the operator's user (65532) may run the entrypoint");
        Assert.Empty(Directory.GetFiles(app, "*.runtimeconfig.json"));
        Assert.Empty(Directory.GetFiles(app, "*.dbg"));

        var help = await Tools.RunAsync(executable, [.. entrypoint[1..], "--help"], TimeSpan.FromSeconds(30), app);
        help.EnsureSuccess();
        Assert.Contains("usage: PveOperator", help.Stdout);
        Assert.Contains("--leader-elect", help.Stdout);

        await StartsAsAFollowerServingProbesAndMetricsAsync(app, [executable, .. entrypoint[1..]]);
    }

    /// <summary>
    /// The published entrypoint against the real API server, with leader election and a Lease held by someone
    /// else: it never reconciles, yet serves /healthz, /readyz (caches synced) and /metrics, logs JSON, and
    /// stops cleanly on SIGTERM.
    /// </summary>
    private async Task StartsAsAFollowerServingProbesAndMetricsAsync(string app, string[] entrypoint)
    {
        // The informers' caches sync only once the kinds exist; run alone, nothing else has installed them yet.
        await Reliability.OperatorCrds.InstallAsync(cluster);
        var ns = await cluster.CreateNamespaceAsync();
        var now = DateTime.UtcNow;
        await cluster.Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "held", NamespaceProperty = ns },
            Spec = new V1LeaseSpec { HolderIdentity = "another-replica", LeaseDurationSeconds = 3600, AcquireTime = now, RenewTime = now },
        }, ns);

        var (metricsPort, probePort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo(entrypoint[0])
        {
            WorkingDirectory = app,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in entrypoint[1..].Concat([
                     "--kubeconfig", cluster.KubeconfigPath, "--leader-elect", "--leader-election-namespace", ns, "--leader-election-id", "held",
                     $"--metrics-bind-address=127.0.0.1:{metricsPort}", $"--health-probe-bind-address=127.0.0.1:{probePort}", "--log-format=json"]))
        {
            start.ArgumentList.Add(argument);
        }

        var logs = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (logs) { logs.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (logs) { logs.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.TrueAsync(async () => await GetAsync(http, $"http://127.0.0.1:{probePort}/readyz") == (HttpStatusCode.OK, "ok"),
                "the follower reports ready", TimeSpan.FromSeconds(30));
            Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(http, $"http://127.0.0.1:{probePort}/healthz"));
            var metrics = await GetAsync(http, $"http://127.0.0.1:{metricsPort}/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.Status);
            Assert.Contains("# TYPE ", metrics.Body);

            var lease = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("held", ns);
            Assert.Equal("another-replica", lease.Spec.HolderIdentity);

            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);

            string[] lines;
            lock (logs)
            {
                lines = logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }

            Assert.NotEmpty(lines);
            Assert.All(lines, line => JsonDocument.Parse(line).Dispose()); // --log-format=json: one JSON object per line
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            lock (logs)
            {
                output.WriteLine(logs.ToString());
            }

            await HelmChartTests.IgnoreNotFoundAsync(() => cluster.Client.CoreV1.DeleteNamespaceAsync(ns));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return (0, error.Message);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a RUN line with bash in the stage's working directory, absolute paths mapped into the stage.</summary>
    private async Task RunInStageAsync(string stageFs, string workdir, string command)
    {
        var mapped = string.Join(' ', command.Split(' ').Select(token => token.StartsWith('/') ? HostPath(stageFs, token) : token));
        // A RUN before any WORKDIR (the toolchain install) runs in the stage's root.
        Directory.CreateDirectory(HostPath(stageFs, workdir));
        var log = Path.Combine(scratch, $"run-{Guid.NewGuid():N}.log");
        var watch = Stopwatch.StartNew();
        // Output goes to a file, not a pipe: build servers outliving the command must not hold the test's pipes. The
        // braces send every command of an `a && b` line there, so a failing first command still leaves its log.
        var result = await Tools.RunAsync("bash", ["-c", $"{{ {mapped}; }} > '{log}' 2>&1"], TimeSpan.FromMinutes(12), HostPath(stageFs, workdir), BuildEnvironment());
        output.WriteLine($"RUN {command} ({watch.Elapsed.TotalSeconds:F1} s)");
        Assert.True(result.ExitCode == 0, $"RUN {command} failed ({result.ExitCode}):\n{File.ReadAllText(log)}");
    }

    /// <summary>A clean environment for dotnet: none of the test host's MSBuild variables, no lingering build servers.</summary>
    private static Dictionary<string, string?> BuildEnvironment()
    {
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                           || name is "DOTNET_HOST_PATH")
            .ToDictionary(name => name, _ => (string?)null);
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["UseSharedCompilation"] = "false";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        return environment;
    }

    private static string ContainerPath(string workdir, string path) =>
        path.StartsWith('/') ? path : Path.GetFullPath(Path.Combine(workdir, path));

    private static string HostPath(string stageFs, string containerPath) =>
        Path.Combine(stageFs, containerPath.TrimStart('/'));

    /// <summary>COPY semantics: a directory's contents go into the destination; bin/ and obj/ are ignored (.dockerignore).</summary>
    private static void Copy(string source, string destination, bool intoDirectory)
    {
        if (Directory.Exists(source))
        {
            Directory.CreateDirectory(destination);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
                {
                    continue;
                }

                var target = Path.Combine(destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }
        else
        {
            Assert.True(File.Exists(source), $"COPY source {source} does not exist");
            var target = intoDirectory ? Path.Combine(destination, Path.GetFileName(source)) : destination;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
        }
    }
}
