{{/* Chart name, overridable with nameOverride. */}}
{{- define "pve-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: fullnameOverride, else the release name, suffixed with the chart name unless it contains it. */}}
{{- define "pve-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pve-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pve-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pve-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pve-operator.labels" -}}
helm.sh/chart: {{ include "pve-operator.chart" . }}
{{ include "pve-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pve-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pve-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pve-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{- define "pve-operator.providerName" -}}
{{- default (include "pve-operator.fullname" .) .Values.provider.name }}
{{- end }}

{{/* The Secret holding the provider's token secret: existingSecret, or the one the chart creates. */}}
{{- define "pve-operator.providerSecretName" -}}
{{- default (printf "%s-token" (include "pve-operator.fullname" .)) .Values.provider.existingSecret }}
{{- end }}

{{/* Where the token Secrets live and are watched (--secret-namespace): secretNamespace, else the release namespace. */}}
{{- define "pve-operator.secretNamespace" -}}
{{- default .Release.Namespace .Values.secretNamespace }}
{{- end }}
