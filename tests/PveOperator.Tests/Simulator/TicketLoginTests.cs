using System.Net;
using System.Text.RegularExpressions;
using PveSimulator;

namespace PveOperator.Tests.Simulator;

public sealed partial class TicketLoginTests
{
    private const string Password = "s3cret!";

    private static async Task<SimulatorTestHost> StartAsync(SimulatorOptions? options = null, bool fakeTime = false)
    {
        var host = await SimulatorTestHost.StartAsync(options, fakeTime);
        host.Cluster.AddUser("root@pam", Password);
        host.Cluster.AddUser("ops@pve", Password, ["VM.Audit", "VM.PowerMgmt"]);
        host.Cluster.AddUser("mfa@pve", Password, totpCode: "123456");
        return host;
    }

    private static Task<SimResponse> LoginAsync(SimulatorTestHost host, string user, string password, Dictionary<string, string>? extra = null)
    {
        var form = new Dictionary<string, string>(extra ?? []) { ["username"] = user, ["password"] = password };
        return host.PostAsync("/access/ticket", form, host.CreateClient(null));
    }

    private static HttpRequestMessage WithTicket(HttpMethod method, string apiPath, string ticket, string? csrf = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, "/api2/json" + apiPath) { Content = content };
        request.Headers.Add("Cookie", $"PVEAuthCookie={Uri.EscapeDataString(ticket)}");
        if (csrf is not null)
        {
            request.Headers.Add("CSRFPreventionToken", csrf);
        }

        return request;
    }

    [Fact]
    public async Task A_password_login_returns_a_ticket_a_csrf_token_and_the_caps()
    {
        await using var host = await StartAsync();

        var answer = await LoginAsync(host, "ops@pve", Password);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var data = answer.Data!;
        Assert.Matches(TicketPattern(), data["ticket"]!.GetValue<string>());
        Assert.Matches(CsrfPattern(), data["CSRFPreventionToken"]!.GetValue<string>());
        Assert.Equal("ops@pve", data["username"]!.GetValue<string>());
        Assert.Equal(1, data["cap"]!["vms"]!["VM.PowerMgmt"]!.GetValue<int>());
        Assert.Null(data["NeedTFA"]);
        // No Sys.Audit, so no cluster name.
        Assert.Null(data["clustername"]);
        Assert.Equal(1, host.Server.Logins.PasswordLogins);
    }

    [Fact]
    public async Task Any_failed_login_is_401_authentication_failure()
    {
        await using var host = await StartAsync();

        var wrongPassword = await LoginAsync(host, "ops@pve", "nope");
        var unknownUser = await LoginAsync(host, "ghost@pve", Password);

        Assert.Equal((HttpStatusCode.Unauthorized, "authentication failure"), (wrongPassword.Status, wrongPassword.Reason));
        Assert.Equal((HttpStatusCode.Unauthorized, "authentication failure"), (unknownUser.Status, unknownUser.Reason));
        Assert.Equal(2, host.Server.Logins.Failures);
    }

    [Fact]
    public async Task An_api_token_may_not_log_in()
    {
        await using var host = await StartAsync();

        var answer = await host.PostAsync("/access/ticket", new Dictionary<string, string> { ["username"] = "root@pam", ["password"] = Password });

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.", answer.Reason);
    }

    [Fact]
    public async Task A_ticket_reads_without_csrf_but_writes_only_with_it()
    {
        await using var host = await StartAsync();
        var data = (await LoginAsync(host, "root@pam", Password)).Data!;
        var ticket = data["ticket"]!.GetValue<string>();
        var csrf = data["CSRFPreventionToken"]!.GetValue<string>();
        using var anonymous = host.CreateClient(null);
        const string start = "/nodes/pve1/lxc/101/status/start";

        var read = await host.SendAsync(WithTicket(HttpMethod.Get, "/version", ticket), anonymous);
        var writeWithout = await host.SendAsync(WithTicket(HttpMethod.Post, start, ticket, content: new FormUrlEncodedContent([])), anonymous);
        var writeWithWrong = await host.SendAsync(WithTicket(HttpMethod.Post, start, ticket, csrf[..^2] + "AA", new FormUrlEncodedContent([])), anonymous);
        var write = await host.SendAsync(WithTicket(HttpMethod.Post, start, ticket, csrf, new FormUrlEncodedContent([])), anonymous);

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, "Permission denied - invalid csrf token"), (writeWithout.Status, writeWithout.Reason));
        Assert.Equal(HttpStatusCode.Unauthorized, writeWithWrong.Status);
        Assert.Equal(HttpStatusCode.OK, write.Status);
        Assert.StartsWith("UPID:pve1:", write.Data!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_ticket_is_refused()
    {
        await using var host = await StartAsync();
        var ticket = (await LoginAsync(host, "ops@pve", Password)).Data!["ticket"]!.GetValue<string>();
        var forged = ticket.Replace("ops@pve", "root@pam", StringComparison.Ordinal);

        var answer = await host.SendAsync(WithTicket(HttpMethod.Get, "/version", forged), host.CreateClient(null));

        Assert.Equal((HttpStatusCode.Unauthorized, "permission denied - invalid PVE ticket"), (answer.Status, answer.Reason));
    }

    [Fact]
    public async Task A_ticket_expires_after_its_lifetime_and_renews_while_valid()
    {
        var lifetime = TimeSpan.FromMinutes(10);
        await using var host = await StartAsync(new SimulatorOptions { TicketLifetime = lifetime }, fakeTime: true);
        var first = (await LoginAsync(host, "ops@pve", Password)).Data!["ticket"]!.GetValue<string>();
        using var anonymous = host.CreateClient(null);

        host.Time!.Advance(lifetime - TimeSpan.FromMinutes(1));
        var renewal = await LoginAsync(host, "ops@pve", first);
        var renewed = renewal.Data!["ticket"]!.GetValue<string>();
        host.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(HttpStatusCode.OK, renewal.Status);
        Assert.Equal(1, host.Server.Logins.Renewals);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(WithTicket(HttpMethod.Get, "/version", first), anonymous)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(WithTicket(HttpMethod.Get, "/version", renewed), anonymous)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(host, "ops@pve", first)).Status);
    }

    [Fact]
    public async Task A_user_with_a_second_factor_gets_NeedTFA_and_a_half_ticket_that_opens_nothing()
    {
        await using var host = await StartAsync();

        var challenge = await LoginAsync(host, "mfa@pve", Password);
        var halfTicket = challenge.Data!["ticket"]!.GetValue<string>();
        var refused = await host.SendAsync(WithTicket(HttpMethod.Get, "/version", halfTicket), host.CreateClient(null));
        var wrongCode = await LoginAsync(host, "mfa@pve", "totp:000000", new() { ["tfa-challenge"] = halfTicket });
        var answered = await LoginAsync(host, "mfa@pve", "totp:123456", new() { ["tfa-challenge"] = halfTicket });

        Assert.Equal(1, challenge.Data!["NeedTFA"]!.GetValue<int>());
        Assert.Null(challenge.Data!["cap"]);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.Status);
        Assert.Equal(HttpStatusCode.OK, answered.Status);
        Assert.NotNull(answered.Data!["cap"]);
    }

    [Fact]
    public async Task Permissions_of_a_privilege_separated_token_are_the_intersection_with_its_user()
    {
        await using var host = await StartAsync();
        var secret = Guid.NewGuid().ToString();
        host.Cluster.AddPrivilegeSeparatedToken("ops@pve!k8s", secret, "VM.Audit", "Sys.Audit");
        using var token = host.CreateClient($"PVEAPIToken=ops@pve!k8s={secret}");

        var answer = await host.GetAsync("/access/permissions", token);
        var otherUser = await host.GetAsync("/access/permissions?userid=root@pam", token);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var vms = answer.Data!["/vms"]!.AsObject();
        Assert.Equal(["VM.Audit"], vms.Select(p => p.Key));
        Assert.Equal(1, vms["VM.Audit"]!.GetValue<int>());
        Assert.Equal((HttpStatusCode.Forbidden, "Permission check failed (/access, Sys.Audit)"), (otherUser.Status, otherUser.Reason));
    }

    [Fact]
    public async Task Root_holds_every_administrator_privilege_on_every_path()
    {
        await using var host = await StartAsync();

        var answer = await host.GetAsync("/access/permissions?path=/vms/101");

        var privileges = answer.Data!["/vms/101"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("VM.PowerMgmt", privileges);
        Assert.Contains("Sys.Modify", privileges);
    }

    [Fact]
    public void The_401_delay_is_pve_s_3_seconds_unless_a_test_host_turns_it_off()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), new SimulatorOptions().UnauthorizedDelay);
        Assert.Equal(TimeSpan.Zero, new SimulatorOptions().WithoutUnauthorizedDelay().UnauthorizedDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(300), new SimulatorOptions { UnauthorizedDelay = TimeSpan.FromMilliseconds(300) }.WithoutUnauthorizedDelay().UnauthorizedDelay);
    }

    [GeneratedRegex("^PVE:[^:]+:[0-9A-F]{8}::[A-Za-z0-9+/=]+$")]
    private static partial Regex TicketPattern();

    [GeneratedRegex("^[0-9A-F]{8}:[A-Za-z0-9+/=]+$")]
    private static partial Regex CsrfPattern();
}
