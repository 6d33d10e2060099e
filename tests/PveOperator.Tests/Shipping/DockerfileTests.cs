namespace PveOperator.Tests.Shipping;

/// <summary>
/// The Dockerfile's shape; tests/PveOperator.IntegrationTests/Shipping/DockerfileBuildTests replays its build
/// stage and starts the entrypoint (Docker cannot run here).
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string Root = Manifests.RepositoryRoot();
    private static readonly IReadOnlyList<DockerStage> Stages = DockerfileModel.Load(Root);

    [Fact]
    public void Builds_with_the_sdk_and_runs_natively_on_runtime_deps()
    {
        Assert.Equal(2, Stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", Stages[0].Image);
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:10.0", Stages[^1].Image);
    }

    [Fact]
    public void Restores_and_publishes_for_the_same_runtime_with_NativeAOT()
    {
        var runs = Stages[0].All("RUN").ToList();
        var restore = Assert.Single(runs, r => r.StartsWith("dotnet restore", StringComparison.Ordinal));
        var publish = Assert.Single(runs, r => r.StartsWith("dotnet publish", StringComparison.Ordinal));
        foreach (var option in new[] { "-r linux-x64", "-p:PublishAot=true" })
        {
            Assert.Contains(option, restore);
            Assert.Contains(option, publish);
        }

        // NativeAOT links with clang against zlib: the build stage installs both before it publishes.
        var install = runs.FindIndex(r => r.Contains("apt-get install", StringComparison.Ordinal));
        Assert.True(install >= 0 && install < runs.IndexOf(publish));
        Assert.Contains("clang", runs[install]);
        Assert.Contains("zlib1g-dev", runs[install]);
    }

    [Fact]
    public void Restores_in_its_own_layer_before_the_sources_are_copied()
    {
        var build = Stages[0].Instructions;
        var restore = build.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var publish = build.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.True(restore > 0 && publish > restore);
        // Before the restore only project and props files are copied: a source change keeps the restore layer.
        var copiedBeforeRestore = build.Take(restore).Where(i => i.Keyword == "COPY").Select(i => i.Arguments.Split(' ')[0]).ToList();
        Assert.NotEmpty(copiedBeforeRestore);
        Assert.All(copiedBeforeRestore, source => Assert.True(source.EndsWith(".csproj", StringComparison.Ordinal) || source.EndsWith(".props", StringComparison.Ordinal), source));
        Assert.Contains("--no-restore", build[publish].Arguments);
        Assert.Contains("-c Release", build[publish].Arguments);
    }

    [Fact]
    public void Runtime_stage_holds_only_the_published_output_and_runs_as_65532()
    {
        var runtime = Stages[^1];
        var copy = Assert.Single(runtime.All("COPY"));
        Assert.StartsWith($"--from={Stages[0].Name} ", copy);
        var publish = Assert.Single(Stages[0].All("RUN"), run => run.StartsWith("dotnet publish", StringComparison.Ordinal));
        var output = publish.Split(' ').SkipWhile(a => a != "-o").Skip(1).First();
        Assert.Equal(output, copy.Split(' ')[1].TrimEnd('/'));

        Assert.Equal("65532:65532", Assert.Single(runtime.All("USER")));
        Assert.Empty(runtime.All("RUN"));
        Assert.Equal(["/app/PveOperator"], DockerfileModel.ExecForm(Assert.Single(runtime.All("ENTRYPOINT"))));
    }

    [Fact]
    public void Dockerignore_sends_only_what_the_build_copies()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal("*", lines[0]);
        Assert.Contains("**/bin/", lines);
        Assert.Contains("**/obj/", lines);
        foreach (var copy in Stages[0].All("COPY"))
        {
            var source = copy.Split(' ')[0].TrimEnd('/');
            Assert.True(lines.Any(l => l.StartsWith('!') && source.StartsWith(l[1..].TrimEnd('/'), StringComparison.Ordinal)),
                $".dockerignore excludes {source}, which the Dockerfile copies");
        }
    }
}
