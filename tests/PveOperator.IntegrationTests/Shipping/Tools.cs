using System.Diagnostics;
using System.Text;

namespace PveOperator.IntegrationTests.Shipping;

/// <summary>Result of a command: exit code and its output (stdout then stderr).</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public CommandResult EnsureSuccess()
    {
        Assert.True(ExitCode == 0, $"`{Command}` exited {ExitCode}:\n{Stdout}\n{Stderr}");
        return this;
    }
}

/// <summary>
/// The real helm and kubectl that hack/install-tools.sh installs (paths from the cache's tools.env, as
/// hack/control-plane.sh reads them), and a process runner with a timeout.
/// </summary>
public static class Tools
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> ToolsEnv = new(ReadToolsEnv);

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("PVE_OPERATOR_CACHE") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "pve-operator");

    public static string Helm => Find("HELM", "helm");

    public static string Kubectl => Find("KUBECTL", "kubectl");

    public static async Task<CommandResult> RunAsync(
        string file, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var command = $"{Path.GetFileName(file)} {string.Join(' ', start.ArgumentList)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{command}` did not finish within {timeout}");
        }

        return new CommandResult(command, process.ExitCode, await stdout, await stderr);
    }

    public static Task<CommandResult> HelmAsync(string kubeconfig, params string[] arguments) =>
        RunAsync(Helm, [.. arguments, "--kubeconfig", kubeconfig], TimeSpan.FromSeconds(90), environment: HelmEnvironment());

    /// <summary>helm without a cluster (lint, template).</summary>
    public static Task<CommandResult> HelmOfflineAsync(params string[] arguments) =>
        RunAsync(Helm, arguments, TimeSpan.FromSeconds(60), environment: HelmEnvironment());

    public static Task<CommandResult> KubectlAsync(string kubeconfig, params string[] arguments) =>
        RunAsync(Kubectl, ["--kubeconfig", kubeconfig, .. arguments], TimeSpan.FromSeconds(60));

    /// <summary>Helm keeps its caches and config under the test run's own directory, not the user's.</summary>
    private static Dictionary<string, string?> HelmEnvironment()
    {
        var home = Path.Combine(Path.GetTempPath(), "pve-operator-helm-home");
        return new Dictionary<string, string?>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
            ["KUBECONFIG"] = null,
        };
    }

    private static string Find(string variable, string name)
    {
        if (ToolsEnv.Value.TryGetValue(variable, out var path) && File.Exists(path))
        {
            return path;
        }

        var cached = Path.Combine(CacheDirectory, "bin", name);
        if (File.Exists(cached))
        {
            return cached;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} not found in {CacheDirectory}/tools.env, {CacheDirectory}/bin or PATH: run hack/install-tools.sh");
    }

    private static IReadOnlyDictionary<string, string> ReadToolsEnv()
    {
        var file = Path.Combine(CacheDirectory, "tools.env");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(file))
        {
            foreach (var line in File.ReadAllLines(file, Encoding.UTF8))
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
                }
            }
        }

        return values;
    }
}
