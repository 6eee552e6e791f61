using Orchestrator.Bench.Node;
using Xunit.Abstractions;

namespace Orchestrator.Bench.Tests;

/// <summary>
/// The money path's history check: a short run of the real node (concurrent checkouts retried under their keys,
/// payments flapping, the node killed with SIGKILL twice) must end with every key one order, every order paid by
/// exactly one charge or failed with none, nothing pending. And the checker itself catches what it should.
/// </summary>
[Collection(nameof(HistoryCollection))]
public sealed class HistoryCheckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Checkouts_retried_across_kills_and_flapping_payments_are_one_order_and_one_charge_each()
    {
        var report = await HistoryRun.RunAsync(new HistoryOptions { Seconds = 35, Clients = 4, Kills = 2, Seed = 424242 }, new TestWriter(output));
        output.WriteLine(report.ToMarkdown());

        Assert.True(report.Held, string.Join(Environment.NewLine, report.Violations.Take(20)));
        Assert.Equal(2, report.Kills);
        Assert.True(report.Orders > 50, $"only {report.Orders} orders");
        Assert.Equal(report.Paid, report.Charges);
        Assert.Equal(0, report.Pending);
    }

    [Fact]
    public void The_checker_finds_a_second_order_a_double_charge_a_pending_order_and_a_changed_answer()
    {
        var key = new KeyRecord("k1", "u", "p-100", 1);
        key.Add(new KeyAnswer(200, """{"orderId":"o-1","status":"paid"}""", "o-1", "paid", null));
        key.Add(new KeyAnswer(200, """{"orderId":"o-1","status":"paid","x":1}""", "o-1", "paid", null));
        var final = new FinalState(
            [
                new OrderRow("o-1", "paid", "k1", "ch-1", 10m, null),
                new OrderRow("o-2", "pending_payment", "k1", null, 10m, null),
                new OrderRow("o-3", "payment_failed", "k3", null, 10m, "refused"),
            ],
            [new ChargeRow("ch-1", "o-1", 10m), new ChargeRow("ch-2", "o-1", 10m), new ChargeRow("ch-3", "o-3", 10m), new ChargeRow("ch-4", "o-9", 10m)]);

        var violations = HistoryCheck.Violations([key], final);

        Assert.Contains("key k1: 2 orders (o-1, o-2)", violations);
        Assert.Contains("key k1: its final answers differ (200)", violations);
        Assert.Contains("order o-1: paid, with 2 charges", violations);
        Assert.Contains("order o-2: still pending after settling", violations);
        Assert.Contains("order o-3: payment failed (refused), yet charged 1 times", violations);
        Assert.Contains("charge for order o-9, which the order book does not hold", violations);
    }

    private sealed class TestWriter(ITestOutputHelper output) : StringWriter
    {
        public override Task WriteLineAsync(string? value)
        {
            output.WriteLine(value ?? "");
            return Task.CompletedTask;
        }
    }
}

/// <summary>The history runs a node of its own under load: alone, so that its timing is its own.</summary>
[CollectionDefinition(nameof(HistoryCollection), DisableParallelization = true)]
public sealed class HistoryCollection;
