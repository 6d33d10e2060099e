using PveOperator.Controllers;

namespace PveOperator.Tests.Controllers;

public sealed class RequiredPrivilegesTests
{
    private static Dictionary<string, IReadOnlySet<string>> Held(params (string Path, string[] Privileges)[] entries) =>
        entries.ToDictionary(e => e.Path, e => (IReadOnlySet<string>)e.Privileges.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    [Fact]
    public void Privileges_on_a_parent_path_count_for_its_children()
    {
        var held = Held(("/", ["Sys.Audit", "VM.Audit", "VM.PowerMgmt"]));

        Assert.Empty(RequiredPrivileges.Missing(RequiredPrivileges.ForPowerManagement, held));
    }

    [Fact]
    public void Privileges_on_a_child_path_do_not_count_for_its_parent()
    {
        var held = Held(("/nodes/pve1", ["Sys.Audit"]), ("/vms", ["VM.Audit", "VM.PowerMgmt"]));

        var missing = RequiredPrivileges.Missing(RequiredPrivileges.ForPowerManagement, held);

        Assert.Equal(["Sys.Audit on /"], missing.Select(m => m.ToString()));
    }

    [Theory]
    [InlineData("/vms/101")]
    [InlineData("/pool/k8s")]
    public void Container_privileges_granted_on_single_containers_or_a_pool_count(string path)
    {
        var held = Held(("/", ["Sys.Audit"]), (path, ["VM.Audit"]));

        var missing = RequiredPrivileges.Missing(RequiredPrivileges.ForPowerManagement, held);

        Assert.Equal(["VM.PowerMgmt on /vms"], missing.Select(m => m.ToString()));
    }

    [Fact]
    public void Nothing_held_misses_everything()
    {
        Assert.Equal(3, RequiredPrivileges.Missing(RequiredPrivileges.ForPowerManagement, Held()).Count);
    }

    [Fact]
    public void The_grant_command_covers_a_token_and_its_user()
    {
        var missing = RequiredPrivileges.Missing(RequiredPrivileges.Power, Held());

        var command = RequiredPrivileges.GrantCommand(missing, "operator@pve!k8s", isToken: true);

        Assert.Contains("pveum role add PVEOperator --privs \"VM.PowerMgmt\"", command, StringComparison.Ordinal);
        Assert.Contains("--users operator@pve", command, StringComparison.Ordinal);
        Assert.Contains("--tokens 'operator@pve!k8s'", command, StringComparison.Ordinal);
        Assert.DoesNotContain("--tokens", RequiredPrivileges.GrantCommand(missing, "ops@pve", isToken: false), StringComparison.Ordinal);
    }
}
