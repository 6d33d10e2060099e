using System.Text.Json;
using PveSimulator.Admin;
using PveSimulator.Cli;

namespace PveSimulator;

/// <summary>Runs the simulator on its own, for benchmarks, the demo and manual exploration.</summary>
public static class Program
{
    public static int Main(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        CommandLine commandLine;
        ScenarioFile? scenario;
        try
        {
            commandLine = CommandLine.Parse(args);
            scenario = commandLine.ScenarioPath is { } path ? ScenarioFile.Load(path) : null;
        }
        catch (Exception error) when (error is FormatException or IOException or JsonException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"pve-simulator: {error.Message}\n\n{CommandLine.Usage}");
            return 2;
        }

        if (commandLine.ShowHelp)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        var defaults = new SimulatorOptions();
        var options = defaults with
        {
            Port = commandLine.Port,
            Version = commandLine.Version,
            ClusterName = commandLine.Standalone ? null : scenario?.ClusterName ?? defaults.ClusterName,
            TaskDuration = Milliseconds(commandLine.TaskDurationMs) ?? defaults.TaskDuration,
            ResourcesRefreshInterval = Milliseconds(commandLine.RefreshMs) ?? defaults.ResourcesRefreshInterval,
            DhcpDelay = Milliseconds(commandLine.DhcpDelayMs) ?? defaults.DhcpDelay,
            DhcpNetwork = commandLine.DhcpNetwork ?? defaults.DhcpNetwork,
            HaDelay = Milliseconds(commandLine.HaDelayMs) ?? defaults.HaDelay,
            DaemonWorkersPerNode = commandLine.Workers ?? defaults.DaemonWorkersPerNode,
            MaxParallelTasksPerNode = commandLine.MaxParallelTasks ?? defaults.MaxParallelTasksPerNode,
            StorageAllocationDuration = Milliseconds(commandLine.StorageAllocationMs) ?? defaults.StorageAllocationDuration,
            UnauthorizedDelay = Milliseconds(commandLine.UnauthorizedDelayMs) ?? defaults.UnauthorizedDelay,
            DefaultTokenSecret = commandLine.TokenId is null or PveSimulatorServer.DefaultTokenId ? commandLine.TokenSecret : null,
            LogRequests = commandLine.LogRequests,
        };

        await using var server = await PveSimulatorServer.StartAsync(options);
        try
        {
            if (scenario is not null)
            {
                scenario.ApplyTo(server.Cluster);
            }
            else
            {
                DemoSeeder.Seed(server.Cluster, commandLine.Nodes, commandLine.Containers, commandLine.Standalone);
            }
        }
        catch (Exception error) when (error is ArgumentException or KeyNotFoundException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"pve-simulator: bad scenario: {error.Message}");
            return 2;
        }

        var tokenId = commandLine.TokenId ?? PveSimulatorServer.DefaultTokenId;
        var tokenSecret = server.DefaultTokenSecret;
        if (tokenId != PveSimulatorServer.DefaultTokenId)
        {
            if (server.Cluster.FindToken(tokenId) is { } fromScenario)
            {
                // The scenario defined this token with its own privileges: print it rather than replace it.
                if (commandLine.TokenSecret is { } secret && secret != fromScenario.Secret)
                {
                    await Console.Error.WriteLineAsync($"pve-simulator: {tokenId} comes from the scenario; --token-secret is ignored");
                }

                tokenSecret = fromScenario.Secret;
            }
            else
            {
                tokenSecret = commandLine.TokenSecret ?? Guid.NewGuid().ToString();
                server.Cluster.AddAdministratorToken(tokenId, tokenSecret);
            }
        }

        PrintBanner(server, tokenId, tokenSecret);
        if (commandLine.InfoFile is { } infoFile)
        {
            await WriteInfoFileAsync(infoFile, server, tokenId, tokenSecret);
        }

        await WaitForShutdownSignalAsync();
        Console.WriteLine("pve-simulator: stopping");
        return 0;
    }

    private static TimeSpan? Milliseconds(int? value) => value is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    private static void PrintBanner(PveSimulatorServer server, string tokenId, string tokenSecret)
    {
        var mode = server.Options.ClusterName is { } name ? $"cluster '{name}'" : "standalone";
        Console.WriteLine($"PVE simulator ({server.Options.Version}, {mode}) listening");
        Console.WriteLine($"  URL:          {server.BaseUrl}");
        Console.WriteLine($"  API:          {server.ApiUrl}");
        Console.WriteLine($"  Token id:     {tokenId}");
        Console.WriteLine($"  Token secret: {tokenSecret}");
        Console.WriteLine($"  Fingerprint:  {server.CertificateFingerprint}");
        Console.WriteLine($"  Nodes:        {string.Join(", ", server.Cluster.NodeNames)}");
        Console.WriteLine($"  Containers:   {server.Cluster.Containers.Count}");
        Console.WriteLine($"  Admin API:    {server.BaseUrl}_sim/counters (loopback, no auth)");
        Console.WriteLine("Press Ctrl+C to stop.");
    }

    private static async Task WriteInfoFileAsync(string path, PveSimulatorServer server, string tokenId, string tokenSecret)
    {
        var info = new
        {
            url = server.BaseUrl.ToString().TrimEnd('/'),
            apiUrl = server.ApiUrl.ToString(),
            tokenId,
            tokenSecret,
            fingerprint = server.CertificateFingerprint,
            certificatePem = server.CertificatePem,
        };
        // Write then rename, so a script polling for the file never reads half of it.
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(info, AdminJson.Options));
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task WaitForShutdownSignalAsync()
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
        // Kept alive until the end: a collected registration stops handling the signal.
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        await stop.Task;
    }
}
