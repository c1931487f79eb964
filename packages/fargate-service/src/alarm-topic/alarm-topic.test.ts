import { synthResources } from "../test-support/synth";
import { AlarmTopic } from "./alarm-topic";

describe("AlarmTopic", () => {
  it("an encrypted topic with one e-mail subscription per endpoint", () => {
    const s = synthResources((scope) => {
      new AlarmTopic(scope, "alarms", {
        name: "prod-alarms",
        emailEndpoints: ["ops@example.com", "oncall@example.com"],
      });
    });
    expect(s.one("aws_sns_topic")).toMatchObject({ name: "prod-alarms", kms_master_key_id: "alias/aws/sns" });
    expect(s.all("aws_sns_topic_subscription").map((x) => [x.protocol, x.endpoint])).toEqual([
      ["email", "ops@example.com"],
      ["email", "oncall@example.com"],
    ]);
  });
  it("no subscription without endpoints", () => {
    const s = synthResources((scope) => {
      new AlarmTopic(scope, "alarms", { name: "dev-alarms" });
    });
    expect(s.all("aws_sns_topic_subscription")).toHaveLength(0);
  });
  it("refuses an endpoint that is not an e-mail address, naming it", () => {
    expect(() =>
      synthResources((scope) => {
        new AlarmTopic(scope, "alarms", { name: "dev-alarms", emailEndpoints: ["ops"] });
      }),
    ).toThrow(/AlarmTopic: emailEndpoints\[0\] "ops" is invalid: not an e-mail address/);
  });
});
