/** Objects that exercise the default field specs, for the kubectl comparisons. */
export const workloads = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: w}
spec:
  template:
    spec:
      serviceAccountName: sa
      priorityClassName: pc
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: a}}
      topologySpreadConstraints:
      - labelSelector: {matchLabels: {app: a}}
      imagePullSecrets: [{name: sec}]
      containers:
      - name: c
        image: nginx
        args: ["$(V)", "x"]
        command: ["$(V)"]
        env:
        - {name: A, value: "$(V)"}
        - name: B
          valueFrom: {configMapKeyRef: {name: cm, key: k}}
        - name: C
          valueFrom: {secretKeyRef: {name: sec, key: k}}
        envFrom: [{configMapRef: {name: cm}}, {secretRef: {name: sec}}]
        volumeMounts: [{name: v, mountPath: "/$(V)"}]
      initContainers:
      - {name: i, image: busybox, args: ["$(V)"]}
      volumes:
      - {name: v, configMap: {name: cm}}
      - {name: s, secret: {secretName: sec}}
      - {name: p, persistentVolumeClaim: {claimName: pvc}}
      - {name: nf, nfs: {server: "$(V)", path: /}}
      - name: pr
        projected: {sources: [{configMap: {name: cm}}, {secret: {name: sec}}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: w}
spec:
  serviceName: svc
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: sc}
  template:
    spec:
      containers: [{name: c, image: nginx}]
      volumes: [{name: v, configMap: {name: cm}}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: w}
spec:
  template:
    spec:
      containers: [{name: c, image: nginx, args: ["$(V)"]}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: w}
spec: {}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: w}
spec:
  template:
    spec:
      serviceAccountName: sa
      containers: [{name: c, image: nginx}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      containers: [{name: c, image: nginx, env: [{name: A, value: "$(V)"}]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: sa
          containers: [{name: c, image: nginx, command: ["$(V)"]}]
          volumes: [{name: v, secret: {secretName: sec}}]
---
apiVersion: v1
kind: Pod
metadata: {name: pod}
spec:
  containers: [{name: c, image: nginx, args: ["$(V)"]}]
  volumes: [{name: v, configMap: {name: cm}}, {name: p, persistentVolumeClaim: {claimName: pvc}}]
---
apiVersion: v1
kind: PodTemplate
metadata: {name: pt}
template:
  spec:
    containers: [{name: c, image: nginx, envFrom: [{configMapRef: {name: cm}}]}]
`;

export const others = `
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec: {selector: {matchLabels: {app: a}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]
  egress: [{to: [{podSelector: {matchLabels: {app: a}}}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
  annotations:
    nginx.ingress.kubernetes.io/auth-secret: sec
    nginx.ingress.kubernetes.io/fastcgi-params-configmap: cm
spec:
  ingressClassName: ic
  tls: [{secretName: sec, hosts: ["$(V)"]}]
  defaultBackend: {service: {name: svc}}
  rules:
  - host: "$(V)"
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: svc, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: ic}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: w}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
imagePullSecrets: [{name: sec}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc}
spec: {volumeName: pv, storageClassName: sc}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv}
spec: {storageClassName: sc, nfs: {server: "$(V)", path: /}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: sc}
parameters: {secretName: sec}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: pc}
value: 1
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: role}
rules: [{resourceNames: [cm, sec, other]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
rules: [{resourceNames: [cm, pv]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: role}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: vap}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: vapb}
spec: {policyName: vap}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.example.com}
spec: {group: example.com, version: v1}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: foos.example.com}
spec:
  conversion: {strategy: Webhook, webhook: {clientConfig: {service: {name: svc, namespace: old}}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: wid}
spec: {selector: {matchLabels: {app: a}}}
`;
