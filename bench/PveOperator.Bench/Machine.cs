using System.Runtime.InteropServices;

namespace PveOperator.Bench;

/// <summary>What the figures were measured on.</summary>
internal sealed record Machine(string Cpu, int Cores, string Memory, string Os, string Runtime, string Commit)
{
    public static Machine Describe(string repo)
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = ReadField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var memory = long.TryParse(memKb, out var kb) ? $"{kb / 1048576.0:F1} GiB" : "?";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "Linux"
            : RuntimeInformation.OSDescription;
        string commit;
        try
        {
            commit = Shell.RunAsync(repo, "git", ["rev-parse", "--short", "HEAD"], CancellationToken.None).GetAwaiter().GetResult().Trim();
        }
        catch (InvalidOperationException)
        {
            commit = "?";
        }

        return new Machine(cpu, Environment.ProcessorCount, memory, os, RuntimeInformation.FrameworkDescription, commit);
    }

    private static string? ReadField(string file, string name)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
