using System.Diagnostics;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>The real kubectl against the test control plane, with a manifest on standard input.</summary>
internal static class Kubectl
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string kubeconfig, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', arguments)} did not finish within 60 s");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
