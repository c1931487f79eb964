import type { Deployment, Service } from "@aws-sdk/client-ecs";
import { containerImage, evaluateServiceStability } from "./service-stability";

const NEW = "arn:aws:ecs:eu-west-1:1:task-definition/app:8";
const OLD = "arn:aws:ecs:eu-west-1:1:task-definition/app:7";

const service = (s: Partial<Service>): Service => ({
  status: "ACTIVE",
  taskDefinition: NEW,
  desiredCount: 2,
  runningCount: 2,
  pendingCount: 0,
  deployments: [{ id: "d2", status: "PRIMARY", taskDefinition: NEW, rolloutState: "COMPLETED" }],
  ...s,
});

describe("evaluateServiceStability", () => {
  it("is stable with one deployment of the new task definition and running == desired", () => {
    expect(evaluateServiceStability(service({}), NEW).state).toBe("stable");
  });

  it("waits while the old deployment still runs beside the new one", () => {
    const s = service({
      deployments: [
        { id: "d2", status: "PRIMARY", taskDefinition: NEW, rolloutState: "IN_PROGRESS" },
        { id: "d1", status: "ACTIVE", taskDefinition: OLD, rolloutState: "COMPLETED" },
      ],
      runningCount: 3,
    });
    expect(evaluateServiceStability(s, NEW)).toMatchObject({
      state: "waiting",
      summary: expect.stringMatching(/2 deployment/),
    });
  });

  it("waits until running reaches desired while the rollout is in progress", () => {
    const inProgress: Deployment[] = [
      { id: "d2", status: "PRIMARY", taskDefinition: NEW, rolloutState: "IN_PROGRESS" },
    ];
    expect(evaluateServiceStability(service({ runningCount: 1, deployments: inProgress }), NEW).state).toBe(
      "waiting",
    );
    expect(evaluateServiceStability(service({ runningCount: 2, deployments: inProgress }), NEW).state).toBe(
      "stable",
    );
  });

  it("is stable once ECS reports the only deployment's rollout COMPLETED", () => {
    expect(evaluateServiceStability(service({ runningCount: 0 }), NEW).state).toBe("stable");
  });

  it("fails when the circuit breaker marked the new deployment FAILED", () => {
    const s = service({
      deployments: [
        { id: "d3", status: "PRIMARY", taskDefinition: OLD, rolloutState: "IN_PROGRESS" },
        {
          id: "d2",
          status: "ACTIVE",
          taskDefinition: NEW,
          rolloutState: "FAILED",
          rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start.",
        },
      ],
    });
    expect(evaluateServiceStability(s, NEW)).toMatchObject({
      state: "failed",
      reason: expect.stringMatching(/FAILED \(circuit breaker\).*tasks failed to start/),
    });
  });

  it("fails when the service was rolled back to another task definition", () => {
    expect(evaluateServiceStability(service({ taskDefinition: OLD }), NEW)).toMatchObject({
      state: "failed",
      reason: expect.stringMatching(/rolled back to .*app:7/),
    });
  });

  it("fails for a missing or draining service", () => {
    expect(evaluateServiceStability(undefined, NEW).state).toBe("failed");
    expect(evaluateServiceStability(service({ status: "DRAINING" }), NEW).state).toBe("failed");
  });
});

describe("containerImage", () => {
  it("finds the named container's image", () => {
    expect(
      containerImage(
        [
          { name: "a", image: "x" },
          { name: "app", image: "y@sha256:1" },
        ],
        "app",
      ),
    ).toBe("y@sha256:1");
  });
});
