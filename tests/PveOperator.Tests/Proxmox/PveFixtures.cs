namespace PveOperator.Tests.Proxmox;

/// <summary>Reads the recorded PVE answers copied next to the test assembly.</summary>
internal static class PveFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "pve-fixtures");

    public static string Read(string fileName) => File.ReadAllText(Path.Combine(Directory, fileName));

    public static IEnumerable<string> AllJsonFiles() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(Path.GetFileName).OfType<string>();
}
